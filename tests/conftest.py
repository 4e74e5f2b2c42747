"""Session-wide: one database, role prefix and NATS namespace per test run, removed at the end."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator

import pytest

from services.common.messaging import Namespace, connect, delete_streams, ensure_streams
from services.common.settings import Settings
from tests.support.infra import (
    FOCUS_ROOT,
    RUN_FILES,
    UPLOAD_DIR,
    UPLOAD_MAX_BYTES,
    drop_run_database,
    infrastructure_urls,
    run_settings,
)

# Read by every ingest service the tests start, stacks included (IngestSettings reads the env).
os.environ.setdefault("COSTGRID_INGEST_FOCUS_ROOT", str(FOCUS_ROOT))
os.environ.setdefault("COSTGRID_INGEST_UPLOAD_DIR", str(UPLOAD_DIR))
os.environ.setdefault("COSTGRID_INGEST_UPLOAD_MAX_BYTES", str(UPLOAD_MAX_BYTES))


@pytest.fixture(scope="session", autouse=True)
def run_files() -> Iterator[None]:
    """The run's drop folder and upload directory go at the end, whichever tests ran."""
    yield
    shutil.rmtree(RUN_FILES, ignore_errors=True)


@pytest.fixture(scope="session")
def infra_urls() -> tuple[str, str]:
    return infrastructure_urls()


@pytest.fixture(scope="session")
async def settings(infra_urls: tuple[str, str]) -> AsyncIterator[Settings]:
    run = run_settings(*infra_urls)
    messaging = await connect(run.nats_url, "costgrid-tests", Namespace(run.namespace))
    await ensure_streams(messaging)
    try:
        yield run
    finally:
        await delete_streams(messaging)
        await messaging.close()
        await drop_run_database(run)
