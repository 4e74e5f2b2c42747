"""`make run`: infrastructure, migrations and demo data, then every service under one supervisor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import make_url

from services.common.known_settings import refuse_unknown_variables
from services.common.settings import SERVICES, load_settings
from tools import devstack, supervisor

ROOT = Path(__file__).resolve().parents[1]
DEV_BOOTSTRAP_TOKEN = "cg_dev_bootstrap_token"


def environment(state: Path) -> dict[str, str]:
    admin = devstack.ensure_postgres(state)
    database = (
        admin
        if "COSTGRID_DATABASE_URL" in os.environ
        else (make_url(admin).set(database="costgrid").render_as_string(False))
    )
    return {
        "COSTGRID_DATABASE_URL": database,
        "COSTGRID_NATS_URL": devstack.ensure_nats(state),
        "COSTGRID_BOOTSTRAP_TOKEN": os.environ.get("COSTGRID_BOOTSTRAP_TOKEN", DEV_BOOTSTRAP_TOKEN),
        # The drop folder of FOCUS files; the demo places the sample in its org's folder.
        "COSTGRID_INGEST_FOCUS_ROOT": os.environ.get(
            "COSTGRID_INGEST_FOCUS_ROOT", str(state / "focus")
        ),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
    }


def wait_serving(address: str, timeout: float = 120.0) -> None:
    import time

    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                status = stub.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                if status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{address} did not become SERVING within {timeout:.0f}s")
            time.sleep(0.3)


def _announce_when_ready(env: dict[str, str]) -> None:
    import asyncio

    from tools.settle import wait_settled

    settings = load_settings()
    lines = []
    for service in SERVICES:
        host, port = settings.addr_of(service).rsplit(":", 1)
        wait_serving(f"{host}:{port}")
        lines.append(
            f"  {service:<10} gRPC {host}:{port}   metrics http://127.0.0.1:"
            f"{settings.metrics_port_of(service)}/metrics"
        )
    print("All services are serving; waiting for the demo data to reach them...", flush=True)
    asyncio.run(wait_settled(settings))
    gateway_http = os.environ.get("COSTGRID_GATEWAY_HTTP_ADDR", "127.0.0.1:8080")
    print(
        "\nCostgrid is up:\n"
        + "\n".join(lines)
        + f"\n  REST API   http://{gateway_http}/api/v1  (Bearer {env['COSTGRID_BOOTSTRAP_TOKEN']})"
        f"\n  database   {env['COSTGRID_DATABASE_URL']}\n  nats       {env['COSTGRID_NATS_URL']}"
        "\nCtrl-C stops everything.\n",
        flush=True,
    )


def main() -> int:
    refuse_unknown_variables()
    state = Path(os.environ.get("COSTGRID_STATE_DIR", ROOT / ".costgrid"))
    env = environment(state)
    os.environ.update(env)
    try:
        # In a child process: gRPC used while seeding must not live in the process that forks
        # the services (gRPC's fork handlers abort children started after it ran).
        subprocess.run(
            [sys.executable, "-m", "tools.migrate", "--demo"],
            env={**os.environ, **env},
            cwd=ROOT,
            check=True,
        )
        # Also its own process, for the same reason: the supervisor never loads gRPC.
        announcer = subprocess.Popen(
            [sys.executable, "-m", "tools.run", "--announce"], env={**os.environ, **env}, cwd=ROOT
        )
        procs = [
            supervisor.Proc(s, [sys.executable, "-m", f"services.{s}"], env=env, cwd=str(ROOT))
            for s in SERVICES
        ]
        code = supervisor.run(procs)
        announcer.terminate()
        announcer.wait()
        return code
    finally:
        devstack.stop_private(state)


if __name__ == "__main__":
    if sys.argv[1:] == ["--announce"]:
        _announce_when_ready(dict(os.environ))
        sys.exit(0)
    sys.exit(main())
