"""Structured JSON logs, one event per line, with service, org, request and trace ids.

Fields whose names look like secrets are redacted before they are written.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
trace_id_var: ContextVar[str] = ContextVar("trace_id", default="")
org_id_var: ContextVar[str] = ContextVar("org_id", default="")

_SECRET_NAME = re.compile(
    r"secret|password|passwd|token|credential|authorization|api_?key|private", re.I
)
_service_name = "costgrid"


def redact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: ("[redacted]" if _SECRET_NAME.search(k) else v) for k, v in fields.items()}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": _service_name,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, var in (
            ("request_id", request_id_var),
            ("trace_id", trace_id_var),
            ("org", org_id_var),
        ):
            if value := var.get():
                entry[key] = value
        entry.update(redact(getattr(record, "fields", {})))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class StructLogger:
    """`log.info("sync.finished", rows=10)`: an event name plus key/value fields."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def _log(self, level: int, event: str, exc_info: bool = False, **fields: Any) -> None:
        if self._logger.isEnabledFor(level):
            self._logger.log(level, event, exc_info=exc_info, extra={"fields": fields})

    def debug(self, event: str, **fields: Any) -> None:
        self._log(logging.DEBUG, event, **fields)

    def info(self, event: str, **fields: Any) -> None:
        self._log(logging.INFO, event, **fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._log(logging.WARNING, event, **fields)

    def error(self, event: str, **fields: Any) -> None:
        self._log(logging.ERROR, event, **fields)

    def exception(self, event: str, **fields: Any) -> None:
        self._log(logging.ERROR, event, exc_info=True, **fields)

    def warning_limited(self, event: str, key: str = "", **fields: Any) -> None:
        """A warning at most once per `LIMITED_EVERY_SECONDS` for (event, key); the line that
        gets through says how many were held back. For failures that repeat on every request or
        poll while a dependency is away, where a line each time would drown the log."""
        held_back = _LIMITER.admit((event, key))
        if held_back is not None:
            self._log(logging.WARNING, event, **fields, suppressed=held_back)


LIMITED_EVERY_SECONDS = 10.0


class _Limiter:
    def __init__(self) -> None:
        self._last: dict[tuple[str, str], float] = {}
        self._held: dict[tuple[str, str], int] = {}

    def admit(self, key: tuple[str, str]) -> int | None:
        """None to hold this one back; else how many were held back since the last one."""
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < LIMITED_EVERY_SECONDS:
            self._held[key] = self._held.get(key, 0) + 1
            return None
        self._last[key] = now
        return self._held.pop(key, 0)


_LIMITER = _Limiter()


def get_logger(name: str) -> StructLogger:
    return StructLogger(logging.getLogger(name))


def configure_logging(service: str, level: str = "INFO") -> None:
    global _service_name
    _service_name = service
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("asyncio", "nats", "botocore", "urllib3", "azure", "google"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
