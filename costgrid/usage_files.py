"""Metering events read from a file, checked before anything is sent."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from costgrid.client import CliError
from services.common.decimal_json import loads

FIELDS = (
    "id",
    "tenant_id",
    "cluster_id",
    "meter",
    "quantity",
    "unit",
    "effective_time",
    "sample_time",
)


def read_events(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: {exc}") from exc
    events = _ndjson(path, text) if path.suffix in (".ndjson", ".jsonl", ".json") else _csv(text)
    if not events:
        raise CliError(f"{path}: no events")
    return events


def _ndjson(path: Path, text: str) -> list[dict[str, Any]]:
    events = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = loads(line)
        except json.JSONDecodeError as exc:
            raise CliError(f"{path}:{number}: not JSON: {exc.msg}") from exc
        if not isinstance(event, dict):
            raise CliError(f"{path}:{number}: an event must be a JSON object")
        events.append(event)
    return events


def _csv(text: str) -> list[dict[str, Any]]:
    events = []
    for row in csv.DictReader(text.splitlines()):
        event: dict[str, Any] = {
            k: v for k, v in row.items() if k in FIELDS and v not in (None, "")
        }
        if "quantity" in event:
            event["quantity"] = Decimal(event["quantity"])
        events.append(event)
    return events
