"""`make run` as a newcomer meets it: once it says "Costgrid is up", the demo data has reached
every service that answers from it."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import make_url

from services.common.settings import SERVICES, Settings
from tests.e2e.test_suite_processes import _free_port
from tests.support.infra import ROOT, drop_run_database

TOKEN = "cg_test_make_run_token"


@pytest.fixture
async def own_settings(settings):
    """A database and namespace of its own: the demo seeds the "default" organization."""
    run = uuid.uuid4().hex[:8]
    # Built anew, not model_copy: the role prefix is cached from the namespace.
    mine = Settings(
        **{
            **settings.model_dump(),
            "database_url": make_url(settings.database_url)
            .set(database=f"costgrid_makerun_{run}")
            .render_as_string(False),
            "namespace": f"m{run}",
        }
    )
    assert mine.role_prefix != settings.role_prefix
    yield mine
    await drop_run_database(mine)


def _get(base: str, path: str) -> dict:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=20) as answer:
        return json.loads(answer.read(), parse_float=Decimal)


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)


def test_costgrid_is_up_only_once_the_demo_data_has_reached_every_service(own_settings, tmp_path):
    http = f"127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "COSTGRID_DATABASE_URL": own_settings.database_url,
        "COSTGRID_NATS_URL": own_settings.nats_url,
        "COSTGRID_NAMESPACE": own_settings.namespace,
        "COSTGRID_STATE_DIR": str(tmp_path),
        "COSTGRID_BOOTSTRAP_TOKEN": TOKEN,
        "COSTGRID_GATEWAY_HTTP_ADDR": http,
        "COSTGRID_DB_POOL_SIZE": "3",
        "COSTGRID_LOG_LEVEL": "WARNING",
        "COSTGRID_METRICS_PORTS": json.dumps({s: -1 for s in SERVICES}),
        **{f"COSTGRID_{s.upper()}_ADDR": f"127.0.0.1:{_free_port()}" for s in SERVICES},
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "tools.run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    try:
        deadline = time.monotonic() + 240
        while True:
            line = lines.get(timeout=max(1.0, deadline - time.monotonic()))
            if "Costgrid is up" in line:
                break
        base = f"http://{http}/api/v1"
        # Asked at once, as a newcomer would: nothing may still be on its way.
        forecast = _get(base, "/costs/forecast?days=30")
        overview = _get(base, "/costs/overview?as_of_date=2024-09-30")
        health = _get(base, "/health")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert len(forecast["daily"]) == 30
    assert forecast["history_days"] >= 30
    assert overview["current_month"]["amount"] == Decimal("20.52022672899")
    assert all(state == "SERVING" for state in health["services"].values())
    assert health["status"] == "ok" and health["events_pending"] == 0
