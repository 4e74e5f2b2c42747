"""The private PostgreSQL and NATS that `make run` starts on a machine without either.

This machine already runs both on the standard ports, so the tests call the start functions
directly with a temporary state dir and free ports.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import nats
import pytest

from tools import devstack

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def state_dir() -> Iterator[Path]:
    # Not pytest's tmp_path: its root is mode 0700 and the server user must reach the data.
    path = Path(tempfile.mkdtemp(prefix="costgrid-devstack-"))
    try:
        yield path
    finally:
        devstack.stop_private(path)
        shutil.rmtree(path, ignore_errors=True)


def _bindir(kind: str) -> Path:
    dirs = devstack.pg_bindirs()
    chosen = [d for d in dirs if ("pgserver" in str(d)) == (kind == "pgserver")]
    if not chosen:
        pytest.skip(f"no {kind} PostgreSQL binaries on this machine")
    return chosen[0]


async def _create_and_fill(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        assert await conn.fetchval("SELECT 1") == 1
        await conn.execute("CREATE TABLE kept (note text)")
        await conn.execute("INSERT INTO kept VALUES ('survives a restart')")
    finally:
        await conn.close()


async def _read_back(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [r["note"] for r in await conn.fetch("SELECT note FROM kept")]
    finally:
        await conn.close()


@pytest.mark.parametrize("kind", ["machine", "pgserver"])
def test_private_postgres_keeps_data_across_restart(state_dir: Path, kind: str) -> None:
    bindir, port = _bindir(kind), free_port()
    url = devstack.start_private_postgres(state_dir, port, bindir)
    assert url == f"postgresql://postgres@127.0.0.1:{port}/postgres"
    asyncio.run(_create_and_fill(url))
    assert devstack.start_private_postgres(state_dir, port, bindir) == url  # reused, not re-inited

    devstack.stop_private(state_dir)
    assert not devstack.tcp_open("127.0.0.1", port)
    devstack.stop_private(state_dir)  # idempotent

    assert devstack.start_private_postgres(state_dir, port, bindir) == url
    assert asyncio.run(_read_back(url)) == ["survives a restart"]
    assert (state_dir / "pg.log").stat().st_size > 0


def test_private_postgres_listens_on_loopback_only(state_dir: Path) -> None:
    port = free_port()
    devstack.start_private_postgres(state_dir, port)
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
    if listening.returncode != 0:
        pytest.skip("ss is not available")
    addresses = {line.split()[3] for line in listening.stdout.splitlines()}
    assert addresses == {f"127.0.0.1:{port}"}


async def _jetstream_roundtrip(url: str, publish: bool) -> int:
    nc = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=0)
    try:
        js = nc.jetstream()
        await js.account_info()
        if publish:
            await js.add_stream(name="KEPT", subjects=["kept.>"])
            await js.publish("kept.one", b"survives a restart")
        return int((await js.stream_info("KEPT")).state.messages)
    finally:
        await nc.close()


def test_private_nats_keeps_streams_across_restart(state_dir: Path) -> None:
    port = free_port()
    url = devstack.start_private_nats(state_dir, port)
    assert url == f"nats://127.0.0.1:{port}"
    assert asyncio.run(_jetstream_roundtrip(url, publish=True)) == 1
    assert devstack.start_private_nats(state_dir, port) == url  # reused via its state file

    devstack.stop_private(state_dir)
    assert not devstack.tcp_open("127.0.0.1", port)
    devstack.stop_private(state_dir)  # idempotent

    assert devstack.start_private_nats(state_dir, port) == url
    assert asyncio.run(_jetstream_roundtrip(url, publish=False)) == 1


def test_ensure_starts_private_servers_when_standard_ports_are_silent(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COSTGRID_DATABASE_URL", raising=False)
    monkeypatch.delenv("COSTGRID_NATS_URL", raising=False)
    silent, pg_port, nats_port = free_port(), free_port(), free_port()
    pg = devstack.ensure_postgres(state_dir, standard_port=silent, private_port=pg_port)
    js = devstack.ensure_nats(state_dir, standard_port=silent, private_port=nats_port)
    assert pg == f"postgresql://postgres@127.0.0.1:{pg_port}/postgres"
    assert js == f"nats://127.0.0.1:{nats_port}"
    assert devstack.tcp_open("127.0.0.1", pg_port) and devstack.tcp_open("127.0.0.1", nats_port)


def test_ensure_uses_whatever_answers_on_the_standard_port(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COSTGRID_DATABASE_URL", raising=False)
    monkeypatch.delenv("COSTGRID_NATS_URL", raising=False)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert devstack.ensure_postgres(state_dir, standard_port=port) == devstack.pg_url(port)
        assert devstack.ensure_nats(state_dir, standard_port=port) == devstack.nats_url(port)
    assert not (state_dir / "pg").exists()


def test_cli_prints_urls_from_the_environment_for_eval(state_dir: Path) -> None:
    env = {
        **os.environ,
        "COSTGRID_DATABASE_URL": "postgresql://u@db.example:5432/x?sslmode=disable",
        "COSTGRID_NATS_URL": "nats://bus.example:4222",
    }
    cmd = [sys.executable, "-m", "tools.devstack", "ensure", "--state-dir", str(state_dir)]
    plain = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert plain.stdout.splitlines() == [
        "COSTGRID_DATABASE_URL=postgresql://u@db.example:5432/x?sslmode=disable",
        "COSTGRID_NATS_URL=nats://bus.example:4222",
    ]
    exported = subprocess.run(
        [*cmd, "--export"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    shell = 'eval "$1"; echo "$COSTGRID_DATABASE_URL"'
    echoed = subprocess.run(
        ["sh", "-c", shell, "sh", exported.stdout], capture_output=True, text=True, check=True
    )
    assert echoed.stdout.strip() == env["COSTGRID_DATABASE_URL"]


def test_cli_stop_is_a_no_op_without_private_servers(state_dir: Path) -> None:
    cmd = [sys.executable, "-m", "tools.devstack", "stop", "--state-dir", str(state_dir)]
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
