"""Streaming reader for FOCUS export files: CSV (plain or gzip) and Parquet, local or remote.

`iter_focus_batches` is the bulk importer's hot path. Memory stays bounded whatever the file
size: the CSV reader parses 1 MiB blocks one at a time, in the reading thread, and only
the ~16 columns we keep are ever converted; Parquet is read a batch at a time from one row group.
"""

from __future__ import annotations

import csv
import os
import zlib
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from services.ingest.connectors.base import (
    ConnectorConfigError,
    ProviderResponseError,
    ProviderUnavailableError,
)
from services.ingest.connectors.focus_columns import ColumnPlan, normalize_batch, plan_columns

DEFAULT_BATCH_ROWS = 32_768
# Measured on the FOCUS sample's 44-column rows: 1 MiB blocks parse fastest; 16 MiB blocks
# meant ~600 MB. Parsed without Arrow's threads: its read-ahead held ~37 blocks (~20 MB more
# peak RSS) for no gain, the importer's one thread keeping ahead of PostgreSQL on its own.
CSV_BLOCK_BYTES = 1 << 20
CSV_NULLS = ["NULL", ""]
_GZIP_MAGIC = b"\x1f\x8b"
_HEADER_LIMIT = 1 << 20


@dataclass(frozen=True)
class FocusSource:
    """One export file. `open()` returns a fresh binary file (a pyarrow NativeFile or a Python
    file object) each time it is called; for Parquet it must be seekable."""

    name: str  # a path or s3://bucket/key, used in every message about the file
    open: Callable[[], Any]
    format: str  # "csv" | "parquet"
    compression: str | None = None  # "gzip"; gzip is also recognised by its magic bytes


def detect_format(name: str) -> tuple[str, str | None] | None:
    """(format, compression) from a file name, or None when it is not a FOCUS export file."""
    lower = name.lower()
    if lower.endswith(".parquet"):
        return "parquet", None
    if lower.endswith((".csv.gz", ".csv.gzip")):
        return "csv", "gzip"
    if lower.endswith(".csv"):
        return "csv", None
    return None


def local_source(path: str | os.PathLike[str]) -> FocusSource:
    p = Path(path)
    fmt = detect_format(p.name)
    if fmt is None:
        raise ConnectorConfigError(f"{p} is not a FOCUS export (*.csv, *.csv.gz, *.parquet)")

    def open_file() -> pa.NativeFile:
        try:
            return pa.OSFile(str(p), "rb")
        except OSError as err:  # pyarrow's message names the path and the OS error
            raise ConnectorConfigError(f"cannot open FOCUS file {p}: {err}") from err

    return FocusSource(name=str(p), open=open_file, format=fmt[0], compression=fmt[1])


def _as_source(source: FocusSource | str | os.PathLike[str]) -> FocusSource:
    return source if isinstance(source, FocusSource) else local_source(source)


def _csv_header(source: FocusSource) -> tuple[list[str], bool]:
    """The header row and whether the bytes are gzip, read from the first few KB only."""
    with closing(source.open()) as f:
        chunk = f.read(64 * 1024)
        gzipped = source.compression == "gzip" or chunk[:2] == _GZIP_MAGIC
        inflate = zlib.decompressobj(wbits=31) if gzipped else None
        text = b""
        while chunk:
            text += inflate.decompress(chunk) if inflate else chunk
            if b"\n" in text or len(text) > _HEADER_LIMIT:
                break
            chunk = f.read(64 * 1024)
    line = text.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    header = next(csv.reader([line]), [])
    if not any(header):
        raise ProviderResponseError(f"FOCUS file {source.name} is empty (no header row)")
    return header, gzipped


def read_plan(source: FocusSource | str | os.PathLike[str]) -> ColumnPlan:
    """Read just a file's header and match it; raises if a required column is missing."""
    src = _as_source(source)
    with _read_errors(src):
        if src.format == "parquet":
            with closing(src.open()) as f:
                return plan_columns(pq.ParquetFile(f).schema_arrow.names, src.name)
        return plan_columns(_csv_header(src)[0], src.name)


def iter_focus_batches(
    source: FocusSource | str | os.PathLike[str], batch_rows: int = DEFAULT_BATCH_ROWS
) -> Generator[pa.RecordBatch, None, None]:
    """Stream a FOCUS file as `FOCUS_SCHEMA` record batches of about `batch_rows` rows (Parquet:
    at most; CSV: whole 1 MiB blocks are gathered until at least `batch_rows`). Close the
    generator to stop early; the file is closed with it.

    Raises `ProviderResponseError` (naming file and column) for a missing required column or an
    unreadable value, `ProviderUnavailableError` when the bytes stop coming.
    """
    src = _as_source(source)
    if src.format == "parquet":
        yield from _parquet_batches(src, batch_rows)
    else:
        yield from _csv_batches(src, batch_rows)


def _parquet_batches(src: FocusSource, batch_rows: int) -> Iterator[pa.RecordBatch]:
    with _read_errors(src), closing(src.open()) as f:
        pf = pq.ParquetFile(f)
        plan = plan_columns(pf.schema_arrow.names, src.name)
        for raw in pf.iter_batches(batch_size=batch_rows, columns=plan.file_columns):
            yield normalize_batch(raw, plan, blank_is_null=True)


def _csv_batches(src: FocusSource, batch_rows: int) -> Iterator[pa.RecordBatch]:
    with _read_errors(src):
        header, gzipped = _csv_header(src)
        plan = plan_columns(header, src.name)
        keep = plan.file_columns
        convert = pa_csv.ConvertOptions(
            include_columns=keep,
            # Everything as text: amounts must never be inferred as double, and timestamps
            # come with or without a zone; focus_values converts both exactly.
            column_types={name: pa.string() for name in keep},
            null_values=CSV_NULLS,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        read = pa_csv.ReadOptions(block_size=CSV_BLOCK_BYTES, use_threads=False)
        with closing(src.open()) as raw:
            stream = pa.CompressedInputStream(raw, "gzip") if gzipped else raw
            reader = pa_csv.open_csv(stream, read_options=read, convert_options=convert)
            with closing(reader):
                pending: list[pa.RecordBatch] = []
                rows = 0
                for block in reader:
                    pending.append(block)
                    rows += block.num_rows
                    if rows >= batch_rows:
                        yield _normalize_blocks(pending, plan)
                        pending, rows = [], 0
                if rows:
                    yield _normalize_blocks(pending, plan)


def _normalize_blocks(blocks: list[pa.RecordBatch], plan: ColumnPlan) -> pa.RecordBatch:
    # Converting one big batch beats converting many 1 MiB blocks (fixed cost per call).
    raw = blocks[0] if len(blocks) == 1 else pa.concat_batches(blocks)
    return normalize_batch(raw, plan, blank_is_null=False)  # the CSV reader nulled ""


@contextmanager
def _read_errors(src: FocusSource) -> Iterator[None]:
    """Arrow and OS errors while reading become connector errors naming the file."""
    try:
        yield
    except pa.ArrowInvalid as err:
        raise ProviderResponseError(f"FOCUS file {src.name} is malformed: {err}") from err
    except (OSError, pa.ArrowException) as err:
        raise ProviderUnavailableError(f"reading FOCUS file {src.name} failed: {err}") from err
