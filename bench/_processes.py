"""Services started as real processes (`python -m services.<svc>`), and what /proc says of them.

Benchmarks that need the suite as it runs in production start it here, on the run's own
database and NATS namespace, with metrics endpoints off and free ports; CPU time and peak
RSS are read from /proc, so they count exactly those processes (and their children).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from services.common.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Suite:
    """Service processes of one benchmark; `grpc` and `http` are their addresses' ports."""

    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    grpc: dict[str, int] = field(default_factory=dict)
    http: int = 0

    def address(self, service: str) -> str:
        return f"127.0.0.1:{self.grpc[service]}"

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_suite(settings: Settings, services: tuple[str, ...], **env: str) -> Suite:
    """Starts `services` (all on the same database and namespace); `env` adds settings."""
    suite = Suite(grpc={s: free_port() for s in SERVICES}, http=free_port())
    environment = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
        "COSTGRID_DATABASE_URL": settings.database_url,
        "COSTGRID_NATS_URL": settings.nats_url,
        "COSTGRID_NAMESPACE": settings.namespace,
        "COSTGRID_LOG_LEVEL": "WARNING",
        "COSTGRID_METRICS_PORTS": json.dumps({s: -1 for s in SERVICES}),
        "COSTGRID_GATEWAY_HTTP_ADDR": f"127.0.0.1:{suite.http}",
        **{f"COSTGRID_{s.upper()}_ADDR": suite.address(s) for s in SERVICES},
        **env,
    }
    for service in services:
        suite.processes[service] = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"], env=environment, cwd=ROOT
        )
    return suite


def children(pid: int) -> list[int]:
    """Every live descendant of `pid` (metering's usage workers, multiprocessing helpers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and its live descendants so far."""
    total = 0
    for each in (pid, *children(pid)):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLOCK_TICKS


def rss_mb(pid: int | str = "self", key: str = "VmHWM") -> float:
    """VmHWM: the process image's high-water RSS. Not getrusage's ru_maxrss: after fork+exec
    Linux carries the parent's peak into it. VmRSS: its RSS now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no {key} for process {pid}")
