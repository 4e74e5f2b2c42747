"""A service as a real process on the run's settings (for kill -9), and table locks that hold
it in the middle of its work."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from services.common.settings import Settings
from tests.support.infra import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(
    service: str, settings: Settings, log: Path, port: int, **extra_env: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
        "COSTGRID_DATABASE_URL": settings.database_url,
        "COSTGRID_NATS_URL": settings.nats_url,
        "COSTGRID_NAMESPACE": settings.namespace,
        "COSTGRID_DB_ROLE_PASSWORD": settings.db_role_password.get_secret_value(),
        "COSTGRID_CONTEXT_SIGNING_KEY": settings.context_signing_key.get_secret_value(),
        "COSTGRID_ENCRYPTION_KEYS": settings.encryption_keys.get_secret_value(),
        f"COSTGRID_{service.upper()}_ADDR": f"127.0.0.1:{port}",
        "COSTGRID_METRICS_PORTS": json.dumps({service: -1}),
        "COSTGRID_DB_POOL_SIZE": "3",
        "COSTGRID_LOG_LEVEL": "WARNING",
        **extra_env,
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def peak_rss_bytes(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


@asynccontextmanager
async def table_locked(settings: Settings, table: str) -> AsyncIterator[asyncpg.Connection]:
    """Holds an exclusive lock on `schema.table` (as the admin) until the block ends: whoever
    writes it waits there, in the middle of its transaction."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield conn
    finally:
        await conn.close()  # the lock goes with the connection


async def wait_blocked(conn: asyncpg.Connection, table: str, within: float = 60.0) -> None:
    """Until a session waits for the lock `table_locked` holds on `table`."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        if await conn.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = $1::regclass", table
        ):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing waited on the lock on {table} within {within}s")
