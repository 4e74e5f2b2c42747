"""Per-run isolation on shared servers: a database, role prefix and NATS namespace of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy import make_url

from services.common.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[2]


def infrastructure_urls() -> tuple[str, str]:
    """The same discovery `make run` uses: configured, else the machine's, else private servers."""
    from tools import devstack

    state = ROOT / ".costgrid"
    return devstack.ensure_postgres(state), devstack.ensure_nats(state)


def run_settings(admin_url: str, nats_url: str, **overrides: object) -> Settings:
    run_id = os.environ.get("COSTGRID_TEST_RUN_ID") or uuid.uuid4().hex[:10]
    database = f"costgrid_test_{run_id}"
    values: dict[str, object] = {
        "database_url": make_url(admin_url).set(database=database).render_as_string(False),
        "nats_url": nats_url,
        "namespace": f"t{run_id}",
        "metrics_ports": {name: -1 for name in SERVICES},
        "grace_period_seconds": 2.0,
        "log_level": "WARNING",
        "db_pool_size": 3,
        **{f"{name}_addr": "127.0.0.1:0" for name in SERVICES},
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def drop_run_database(settings: Settings) -> None:
    """Removes everything a run made: its streams, its database and its roles."""
    from services.common.messaging import Namespace, connect, delete_streams

    messaging = await connect(settings.nats_url, "costgrid-cleanup", Namespace(settings.namespace))
    try:
        await delete_streams(messaging)
    finally:
        await messaging.close()
    url = make_url(settings.database_url)
    conn = await asyncpg.connect(
        url.set(database="postgres", drivername="postgresql").render_as_string(False)
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        for service in SERVICES:
            await conn.execute(f'DROP ROLE IF EXISTS "{settings.db_role(service)}"')
    finally:
        await conn.close()


# The FOCUS 1.0 sample ships with the repository, beside the README that gives its totals.
FOCUS_SAMPLE = ROOT / "data" / "samples" / "focus-1.0" / "focus_sample.csv"

# This run's files: the FOCUS drop folder (COSTGRID_INGEST_FOCUS_ROOT) and the upload directory
# of every ingest the tests start (tests/conftest.py exports them), removed at the end.
RUN_FILES = Path(tempfile.mkdtemp(prefix="costgrid-test-files-"))
FOCUS_ROOT = RUN_FILES / "focus"
UPLOAD_DIR = RUN_FILES / "uploads"
# Small enough that a test exceeds it in a second or two.
UPLOAD_MAX_BYTES = 32 << 20


def focus_folder(org_id: str) -> Path:
    """An organization's folder in the drop folder, where its `path` accounts read."""
    folder = FOCUS_ROOT / org_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def focus_path(org_id: str, file: Path) -> str:
    """`file` as the `path` of an account of `org_id`: copied into its folder unless there."""
    folder = focus_folder(org_id)
    if folder in file.parents:
        return file.relative_to(folder).as_posix()
    shutil.copyfile(file, folder / file.name)
    return file.name
