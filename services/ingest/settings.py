"""Ingest's own settings on top of the kit's (env COSTGRID_INGEST_*, read once)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import Field, field_validator

from services.common.settings import Settings


class IngestSettings(Settings):
    # Every org with active accounts gets a scheduled sync this often; replicas look for orgs
    # that are due every poll.
    ingest_sync_interval_hours: float = Field(default=6.0, ge=1.0)
    ingest_scheduler_poll_seconds: float = Field(default=60.0, gt=0)
    ingest_sync_days_back: int = Field(default=7, ge=1, le=365)
    # Sync tasks one replica runs at once.
    ingest_workers: int = Field(default=2, ge=1, le=32)
    # A task unacknowledged this long goes to another replica; running tasks send in-progress
    # acks three times per wait.
    ingest_task_ack_wait_seconds: float = Field(default=6.0, ge=1)
    # Attempts of a task whose provider fails transiently, and the first backoff (doubles).
    ingest_task_max_attempts: int = Field(default=3, ge=1)
    ingest_task_retry_seconds: float = Field(default=10.0, ge=0)
    # Wait before retrying a task whose account is being synced.
    ingest_busy_retry_seconds: float = Field(default=5.0, ge=0)
    ingest_test_connection_timeout_seconds: float = Field(default=45.0, gt=0)
    # Drop folder of FOCUS files: an org's `path` accounts read under `<root>/<org_id>/` only;
    # unset refuses `path` accounts.
    ingest_focus_root: Path | None = None
    # Where uploaded FOCUS files wait for their sync task; shared by all replicas.
    ingest_upload_dir: Path = Path(tempfile.gettempdir()) / "costgrid-uploads"
    ingest_upload_max_bytes: int = Field(default=10 << 30, ge=1)

    @field_validator("ingest_focus_root", mode="before")
    @classmethod
    def _blank_root_is_unset(cls, value: object) -> object:
        # An empty variable must not become Path(""), the service's working directory.
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def ingest_sync_interval_seconds(self) -> float:
        return self.ingest_sync_interval_hours * 3600
