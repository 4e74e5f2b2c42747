"""The ingest service's own knobs, from `COSTGRID_INGEST_*` environment variables.

| variable | default | meaning |
| --- | --- | --- |
| `COSTGRID_INGEST_SYNC_INTERVAL_HOURS` | 6 | scheduled sync of every org with active accounts (>= 1) |
| `COSTGRID_INGEST_SCHEDULER_POLL_SECONDS` | 60 | how often a replica looks for orgs that are due |
| `COSTGRID_INGEST_SYNC_DAYS_BACK` | 7 | days a scheduled sync re-reads |
| `COSTGRID_INGEST_WORKERS` | 2 | sync tasks one replica runs at once |
| `COSTGRID_INGEST_TASK_ACK_WAIT_SECONDS` | 6 | a task unacknowledged this long goes to another replica; running tasks send in-progress acks three times per wait |
| `COSTGRID_INGEST_TASK_MAX_ATTEMPTS` | 3 | attempts of a task whose provider fails transiently |
| `COSTGRID_INGEST_TASK_RETRY_SECONDS` | 10 | first backoff after a transient failure (doubles) |
| `COSTGRID_INGEST_BUSY_RETRY_SECONDS` | 5 | wait before retrying a task whose account is being synced |
| `COSTGRID_INGEST_TEST_CONNECTION_TIMEOUT_SECONDS` | 45 | TestConnection gives up after this |
| `COSTGRID_INGEST_FOCUS_ROOT` | unset | drop folder of FOCUS files; an org's `path` accounts read under `<root>/<org_id>/` only; unset refuses `path` accounts |
| `COSTGRID_INGEST_UPLOAD_DIR` | `<tmp>/costgrid-uploads` | where uploaded FOCUS files wait for their sync task; shared by all replicas |
| `COSTGRID_INGEST_UPLOAD_MAX_BYTES` | 10 GiB | largest upload accepted |
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COSTGRID_INGEST_", extra="ignore")

    sync_interval_hours: float = Field(default=6.0, ge=1.0)
    scheduler_poll_seconds: float = Field(default=60.0, gt=0)
    sync_days_back: int = Field(default=7, ge=1, le=365)
    workers: int = Field(default=2, ge=1, le=32)
    task_ack_wait_seconds: float = Field(default=6.0, ge=1)
    task_max_attempts: int = Field(default=3, ge=1)
    task_retry_seconds: float = Field(default=10.0, ge=0)
    busy_retry_seconds: float = Field(default=5.0, ge=0)
    test_connection_timeout_seconds: float = Field(default=45.0, gt=0)
    focus_root: Path | None = None
    upload_dir: Path = Path(tempfile.gettempdir()) / "costgrid-uploads"
    upload_max_bytes: int = Field(default=10 << 30, ge=1)

    @field_validator("focus_root", mode="before")
    @classmethod
    def _blank_root_is_unset(cls, value: object) -> object:
        # An empty variable must not become Path(""), the service's working directory.
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def sync_interval_seconds(self) -> float:
        return self.sync_interval_hours * 3600
