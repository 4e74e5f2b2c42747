"""A `path` account's path checked against its organization's drop folder before it is saved.

The pure rules (relative, no '..') are the domain's; this adds what needs the disk: the drop
folder must be configured, and the path's realpath must stay inside `<root>/<org_id>/`. The
path need not exist yet (the operator may fill the folder later); reads check it again.
"""

from __future__ import annotations

from pathlib import Path

from services.common.errors import InvalidArgument
from services.ingest.connectors.focus import NO_FOLDER
from services.ingest.connectors.focus_local import org_folder, resolve
from services.ingest.deps import Deps
from services.ingest.domain.accounts import AccountSpec
from services.ingest.domain.focus_paths import PathRefused


def focus_folder(deps: Deps, org_id: str) -> Path | None:
    return org_folder(deps.settings.ingest_focus_root, org_id)


def check_focus_path(deps: Deps, org_id: str, spec: AccountSpec, where: str) -> None:
    path = spec.settings.get("path") if spec.provider == "FOCUS_FILE" else None
    if not path:
        return
    field = f"{where}.settings.focus_file.path"
    folder = focus_folder(deps, org_id)
    if folder is None:
        raise InvalidArgument(field, NO_FOLDER, reason="FOCUS_ROOT_UNSET")
    try:
        resolve(folder, str(path))
    except PathRefused as err:
        raise InvalidArgument(field, err.message, reason="FOCUS_PATH_REFUSED") from err
