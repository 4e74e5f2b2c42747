"""FOCUS files in an organization's drop folder, opened so that nothing outside it is read.

An organization's folder is `<COSTGRID_INGEST_FOCUS_ROOT>/<org_id>/` and a `path` account's
path is relative to it. Each file is resolved with realpath and refused unless it lies inside
the folder's own realpath, when the account is saved and again each time a file is opened
(files change in between: a link swapped in later is caught at open, where the real path of
the opened descriptor is checked, not the name's). Messages name files relative to the folder,
so the host's layout never reaches a tenant.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from services.ingest.connectors.base import ConnectorConfigError
from services.ingest.connectors.focus_reader import FocusSource, detect_format
from services.ingest.domain.focus_paths import PathRefused, org_folder_name, relative_parts

_PROC_FD = Path("/proc/self/fd")
OUTSIDE = "leads outside the organization's FOCUS folder"


class PathNotAllowed(ConnectorConfigError):
    reason = "FOCUS_PATH_REFUSED"


def org_folder(root: Path | None, org_id: str) -> Path | None:
    """None when the service has no drop folder (or the org id cannot name one)."""
    if root is None:
        return None
    try:
        return root / org_folder_name(org_id)
    except PathRefused:
        return None


def resolve(folder: Path, path: str) -> Path:
    """The real path `path` names inside `folder`; PathRefused names the rule it breaks."""
    parts = relative_parts(path)
    base = Path(os.path.realpath(folder))
    target = Path(os.path.realpath(base.joinpath(*parts)))
    if not _inside(target, base):
        raise PathRefused(OUTSIDE)
    return target


def confined_sources(folder: Path, path: str) -> list[FocusSource]:
    """The file, or every export file below the directory, that `path` names in `folder`."""
    try:
        target = resolve(folder, path)
    except PathRefused as err:
        raise PathNotAllowed(f"FOCUS path {path!r} {err.message}") from err
    base = Path(os.path.realpath(folder))
    if target.is_file():
        files = [target]
    elif target.is_dir():
        # rglob does not descend into linked directories; linked files are checked when opened.
        files = sorted(f for f in target.rglob("*") if detect_format(f.name) and f.is_file())
    else:
        raise ConnectorConfigError(
            f"FOCUS path {path!r} does not exist in the organization's FOCUS folder"
        )
    return [_source(base, f) for f in files]


def _source(base: Path, file: Path) -> FocusSource:
    name = file.relative_to(base).as_posix() if _inside(file, base) else file.name
    fmt = detect_format(file.name)
    if fmt is None:
        raise ConnectorConfigError(f"{name} is not a FOCUS export (*.csv, *.csv.gz, *.parquet)")
    return FocusSource(
        name=name, open=lambda: open_inside(base, file, name), format=fmt[0], compression=fmt[1]
    )


def open_inside(base: Path, file: Path, name: str) -> BinaryIO:
    """Opens `file` read-only if what is opened really lies inside `base` and is a file."""
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK  # a FIFO must not block
    try:
        fd = os.open(file, flags)
    except FileNotFoundError as err:
        raise ConnectorConfigError(f"FOCUS file {name} does not exist") from err
    except PermissionError as err:
        raise ConnectorConfigError(f"FOCUS file {name} is not readable") from err
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise PathNotAllowed(f"FOCUS file {name} {OUTSIDE}") from err
        raise ConnectorConfigError(f"FOCUS file {name} is not readable") from err
    try:
        _check_opened(fd, base, file, name)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _check_opened(fd: int, base: Path, file: Path, name: str) -> None:
    opened = _PROC_FD / str(fd)
    real = Path(os.path.realpath(opened if _PROC_FD.is_dir() else file))
    if not _inside(real, base):
        raise PathNotAllowed(f"FOCUS file {name} {OUTSIDE}")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        raise ConnectorConfigError(f"FOCUS file {name} is not a regular file")


def _inside(target: Path, base: Path) -> bool:
    return target == base or base in target.parents
