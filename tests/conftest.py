"""Session-wide: one database, role prefix and NATS namespace per test run, removed at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.common.messaging import Namespace, connect, delete_streams, ensure_streams
from services.common.settings import Settings
from tests.support.infra import drop_run_database, infrastructure_urls, run_settings


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
