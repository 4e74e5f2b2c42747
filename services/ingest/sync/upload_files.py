"""Uploaded FOCUS files on disk: written as they stream in, hashed on the way, then kept
under `<upload dir>/<org_id>/<uuid>.<format>` for the sync task that imports them.

A file is first written as `<uuid>.part` and renamed only once it is complete and checked, so
a task never sees half a file. The directory must be shared by every ingest replica (any of
them may run the task).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pyarrow as pa

from services.ingest.connectors.base import ConnectorConfigError
from services.ingest.connectors.focus_reader import FocusSource, read_plan
from services.ingest.domain.focus_paths import org_folder_name
from services.ingest.domain.uploads import CSV_GZ, HEAD_BYTES, PARQUET


class IncomingFile:
    def __init__(self, directory: Path, org_id: str) -> None:
        self.folder = directory / org_folder_name(org_id)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.stem = uuid.uuid4().hex
        self.path = self.folder / f"{self.stem}.part"
        self._file = open(self.path, "xb")
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._hash.update(data)
        self.size += len(data)
        if len(self.head) < HEAD_BYTES:
            self.head = (self.head + data)[:HEAD_BYTES]

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def finish(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def keep(self, fmt: str) -> str:
        """Renames the complete file; its name relative to the upload directory."""
        final = self.folder / f"{self.stem}.{fmt}"
        os.replace(self.path, final)
        self.path = final
        return f"{self.folder.name}/{final.name}"

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def source(directory: Path, file_name: str, fmt: str, label: str) -> FocusSource:
    """An uploaded file as the FOCUS reader takes it; `label` names it in messages."""
    path = directory / file_name

    def open_file() -> pa.NativeFile:
        try:
            return pa.OSFile(str(path), "rb")
        except FileNotFoundError as err:
            raise ConnectorConfigError(
                f"{label} is not in this replica's upload directory; COSTGRID_INGEST_UPLOAD_DIR"
                " must be shared by every ingest replica"
            ) from err

    compression = "gzip" if fmt == CSV_GZ else None
    return FocusSource(
        name=label,
        open=open_file,
        format=PARQUET if fmt == PARQUET else "csv",
        compression=compression,
    )


def check_header(path: Path, fmt: str, label: str) -> None:
    """Raises a ConnectorError naming what is wrong when the file is no FOCUS export."""
    read_plan(source(path.parent, path.name, fmt, label))


def remove(directory: Path, file_name: str) -> None:
    (directory / file_name).unlink(missing_ok=True)
