"""The suite as `make run` starts it: six processes, each SERVING, each stopping cleanly."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from services.common.settings import SERVICES
from tests.support.infra import ROOT
from tools.run import wait_serving


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def suite(settings):
    grpc_ports = {s: _free_port() for s in SERVICES}
    metrics_ports = {s: _free_port() for s in SERVICES}
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
        "COSTGRID_DATABASE_URL": settings.database_url,
        "COSTGRID_NATS_URL": settings.nats_url,
        "COSTGRID_NAMESPACE": settings.namespace,
        "COSTGRID_METRICS_PORTS": json.dumps(metrics_ports),
        "COSTGRID_GATEWAY_HTTP_ADDR": f"127.0.0.1:{_free_port()}",
        "COSTGRID_DB_POOL_SIZE": "3",
        **{f"COSTGRID_{s.upper()}_ADDR": f"127.0.0.1:{p}" for s, p in grpc_ports.items()},
    }
    procs = {
        s: subprocess.Popen(
            [sys.executable, "-m", f"services.{s}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for s in SERVICES
    }
    yield procs, grpc_ports, metrics_ports
    for proc in procs.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_every_service_answers_serving_and_exposes_metrics(suite):
    procs, grpc_ports, metrics_ports = suite
    for service in SERVICES:
        try:
            wait_serving(f"127.0.0.1:{grpc_ports[service]}", timeout=90)
        except TimeoutError:
            proc = procs[service]
            detail = (
                proc.stderr.read().decode()[-2000:] if proc.poll() is not None else "still running"
            )
            pytest.fail(f"{service} never became SERVING: {detail}")
        with urllib.request.urlopen(
            f"http://127.0.0.1:{metrics_ports[service]}/metrics", timeout=5
        ) as r:
            assert b"python_info" in r.read()


def test_sigterm_stops_every_service_cleanly(suite):
    procs, _, _ = suite
    for proc in procs.values():
        proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for service, proc in procs.items():
        code = proc.wait(timeout=max(1, deadline - time.monotonic()))
        assert code == 0, f"{service} exited with {code}: {proc.stderr.read().decode()[-2000:]}"
