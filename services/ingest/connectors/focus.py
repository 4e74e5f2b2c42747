"""FOCUS_FILE accounts: FinOps FOCUS billing exports from a drop folder, S3, or uploads.

Two layers. The bulk importer streams Arrow batches straight into storage:

    for source in iter_sources(config):
        for batch in iter_focus_batches(source):   # FOCUS_SCHEMA, ~32k rows each
            ...

and `FocusFileConnector` offers the same data as `CostLineItem`s through the common Connector
protocol, for the regular sync path and for TestConnection.

Settings: `path` (a file, or a directory scanned recursively for *.csv, *.csv.gz, *.parquet,
relative to `folder`, the organization's drop folder set by the service; see focus_local)
or `s3_uri` (`s3://bucket/prefix/`, optional `region`); credentials `access_key_id` and
`secret_access_key` (optional: else boto3's default chain); `config.endpoint` overrides S3's.
With neither, the account receives its files by upload (handlers/uploads.py) and has nothing to
pull.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from services.ingest.connectors.base import (
    AccountConfig,
    ConnectionCheck,
    ConnectorConfigError,
    ConnectorError,
)
from services.ingest.connectors.focus_columns import FOCUS_SCHEMA
from services.ingest.connectors.focus_local import confined_sources
from services.ingest.connectors.focus_reader import (
    DEFAULT_BATCH_ROWS,
    FocusSource,
    iter_focus_batches,
)
from services.ingest.connectors.focus_s3 import s3_sources
from services.ingest.domain.cost_items import CostLineItem, DateWindow

__all__ = [
    "FOCUS_SCHEMA",
    "FocusFileConnector",
    "FocusSource",
    "batch_to_items",
    "iter_focus_batches",
    "iter_sources",
]

# How many files TestConnection tries before giving up on finding a readable one.
_CHECK_FILES = 5


UPLOADED = "upload"
NO_FOLDER = (
    "FOCUS_FILE paths are read from the drop folder COSTGRID_INGEST_FOCUS_ROOT, which this"
    " ingest service does not have; upload the files or use an S3 prefix"
)


def _location(config: AccountConfig) -> tuple[str, str]:
    path, uri = config.settings.get("path"), config.settings.get("s3_uri")
    if path and uri:
        raise ConnectorConfigError("a FOCUS_FILE account takes at most one of 'path' or 's3_uri'")
    if uri:
        return "s3", str(uri)
    return ("path", str(path)) if path else (UPLOADED, "")


def is_upload_account(config: AccountConfig) -> bool:
    return _location(config)[0] == UPLOADED


def iter_sources(config: AccountConfig) -> list[FocusSource]:
    """The account's export files in sorted order; each can be passed to `iter_focus_batches`.
    An upload account has none to pull: its files arrive with their own sync jobs."""
    kind, where = _location(config)
    if kind == "s3":
        return s3_sources(config, where)
    if kind == UPLOADED:
        return []
    folder = config.settings.get("folder")
    if not folder:
        raise ConnectorConfigError(NO_FOLDER)
    return confined_sources(Path(folder), where)


class FocusFileConnector:
    def __init__(self, config: AccountConfig, batch_rows: int = DEFAULT_BATCH_ROWS) -> None:
        _location(config)  # fail on a misconfigured account now, not at the first sync
        self._config = config
        self._batch_rows = batch_rows

    def fetch(self, window: DateWindow) -> Iterator[CostLineItem]:
        start = pa.scalar(window.start, pa.date32())
        end = pa.scalar(window.end, pa.date32())
        for source in iter_sources(self._config):
            for batch in iter_focus_batches(source, self._batch_rows):
                day = batch.column("charge_day")
                inside = pc.and_(pc.greater_equal(day, start), pc.less_equal(day, end))
                yield from batch_to_items(batch.filter(inside))

    def test_connection(self) -> ConnectionCheck:
        if is_upload_account(self._config):
            return ConnectionCheck(
                ok=True, message="this account receives its FOCUS files by upload"
            )
        try:
            where = _location(self._config)[1]
            sources = iter_sources(self._config)
        except ConnectorError as err:
            return ConnectionCheck(ok=False, message=err.message)
        if not sources:
            return ConnectionCheck(
                ok=False,
                message=f"no FOCUS export files (*.csv, *.csv.gz, *.parquet) under {where}",
            )
        problems: list[str] = []
        for source in sources[:_CHECK_FILES]:
            try:
                # Read (and convert) the first rows, not only the header: a file whose values
                # cannot be parsed is not readable either.
                with closing(iter_focus_batches(source, batch_rows=1_000)) as batches:
                    next(batches, None)
            except ConnectorError as err:
                problems.append(err.message)
                continue
            return ConnectionCheck(
                ok=True,
                message=f"{len(sources)} FOCUS export file(s) under {where}; {source.name} is readable",
            )
        more = f" ({len(problems) - 1} more unreadable file(s))" if len(problems) > 1 else ""
        return ConnectionCheck(ok=False, message=problems[0] + more)


def batch_to_items(batch: pa.RecordBatch) -> Iterator[CostLineItem]:
    """`FOCUS_SCHEMA` rows as CostLineItems: Decimal amounts as exact as the file, tags a dict."""
    cols = {name: batch.column(name).to_pylist() for name in FOCUS_SCHEMA.names}
    tag_cache: dict[str | None, dict[str, str]] = {None: {}}
    for i in range(batch.num_rows):
        tags_text = cols["tags"][i]
        if tags_text not in tag_cache:
            tag_cache[tags_text] = _tags_dict(tags_text)
        yield CostLineItem(
            charge_period_start=cols["charge_period_start"][i],
            charge_period_end=cols["charge_period_end"][i],
            billed_cost=cols["billed_cost"][i],
            effective_cost=cols["effective_cost"][i],
            list_cost=cols["list_cost"][i],
            billing_currency=cols["billing_currency"][i] or "",
            service_name=cols["service_name"][i] or "",
            service_category=cols["service_category"][i] or "",
            region_id=cols["region_id"][i] or "",
            sub_account_id=cols["sub_account_id"][i] or "",
            sub_account_name=cols["sub_account_name"][i] or "",
            resource_id=cols["resource_id"][i] or "",
            charge_category=cols["charge_category"][i] or "Usage",
            provider_name=cols["provider_name"][i] or "",
            tags=dict(tag_cache[tags_text]),  # a copy: items must not share a mutable dict
        )


def _tags_dict(text: str | None) -> dict[str, str]:
    """The batch layer already turned text that is not a JSON object into null (with a
    warning); non-string values (numbers, booleans) are kept as their JSON text."""
    if not text:
        return {}
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(parsed, Mapping):
        return {}
    return {
        str(k): v if isinstance(v, str) else ("" if v is None else json.dumps(v))
        for k, v in parsed.items()
    }
