"""The process supervisor behind `make run`, driven as a real process with tiny children."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tools.supervisor import wait_for_tcp

ROOT = Path(__file__).resolve().parents[2]
DRIVER = (
    "import json, sys; from tools.supervisor import Proc, run; "
    "sys.exit(run([Proc(**p) for p in json.loads(sys.argv[1])], grace=float(sys.argv[2])))"
)
TALKER = "import sys, time; print('hello out'); print('hello err', file=sys.stderr); time.sleep(60)"
GRACEFUL = (
    "import os, signal, sys, time\n"
    "def bye(*_):\n    print('cleaning up'); sys.exit(0)\n"
    "signal.signal(signal.SIGTERM, bye)\n"
    "print(f'ready pid={os.getpid()}')\n"
    "time.sleep(60)\n"
)
STUBBORN = (
    "import os, signal, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print(f'ready pid={os.getpid()}')\n"
    "time.sleep(60)\n"
)
CRASHER = "import time, sys; time.sleep(1.0); print('giving up'); sys.exit(3)"


class Supervised:
    """The supervisor in a subprocess, its output collected line by line."""

    def __init__(self, children: dict[str, str], grace: float = 5.0) -> None:
        procs = [{"name": n, "argv": [sys.executable, "-c", code]} for n, code in children.items()]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER, json.dumps(procs), str(grace)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, count: int = 1, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while sum(text in line for line in self.lines) < count:
            assert time.monotonic() < deadline, f"no {text!r} in:\n" + "\n".join(self.lines)
            time.sleep(0.02)

    def pids(self) -> list[int]:
        return [int(line.rsplit("pid=", 1)[1]) for line in self.lines if "pid=" in line]

    def finish(self, timeout: float = 20.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"):
            return True  # exited; only waiting for a reaper
        time.sleep(0.05)
    return False


def test_every_line_is_prefixed_with_its_padded_process_name() -> None:
    sup = Supervised({"a": TALKER, "longname": TALKER})
    try:
        sup.wait_for("hello out", count=2)
        sup.wait_for("hello err", count=2)
        sup.proc.send_signal(signal.SIGINT)
        assert sup.finish() == 0
    finally:
        sup.kill()
    width = len("[supervisor]")
    for name in ("a", "longname"):
        assert f"{f'[{name}]':<{width}} hello out" in sup.lines
        assert f"{f'[{name}]':<{width}} hello err" in sup.lines
    assert all(line.startswith("[") and line[width] == " " for line in sup.lines)


def test_ctrl_c_stops_every_child_gracefully() -> None:
    sup = Supervised({"one": GRACEFUL, "two": GRACEFUL}, grace=5)
    try:
        sup.wait_for("ready", count=2)
        started = time.monotonic()
        sup.proc.send_signal(signal.SIGINT)
        assert sup.finish() == 0
        assert time.monotonic() - started < 5
    finally:
        sup.kill()
    sup.wait_for("cleaning up", count=2, timeout=0)
    assert "[supervisor] received SIGINT; stopping all" in sup.lines
    assert all(gone(pid) for pid in sup.pids())


def test_child_ignoring_sigterm_is_killed_when_grace_runs_out() -> None:
    sup = Supervised({"stubborn": STUBBORN, "polite": GRACEFUL}, grace=1)
    try:
        sup.wait_for("ready", count=2)
        started = time.monotonic()
        sup.proc.send_signal(signal.SIGTERM)
        assert sup.finish() == 1
        assert time.monotonic() - started < 4
    finally:
        sup.kill()
    sup.wait_for("stubborn did not stop within 1s; killing it", timeout=0)
    sup.wait_for("stubborn exited with signal SIGKILL", timeout=0)
    assert all(gone(pid) for pid in sup.pids())


def test_child_crash_stops_the_others_and_fails_the_run() -> None:
    sup = Supervised({"crasher": CRASHER, "survivor": GRACEFUL})
    try:
        assert sup.finish() == 1
    finally:
        sup.kill()
    sup.wait_for("crasher exited unexpectedly with code 3; stopping the rest", timeout=0)
    sup.wait_for("cleaning up", timeout=0)
    assert sup.pids() and all(gone(pid) for pid in sup.pids())


def test_children_stop_when_the_supervisor_is_killed_outright() -> None:
    sup = Supervised({"orphan": GRACEFUL})
    try:
        sup.wait_for("ready")
        sup.proc.kill()
        sup.proc.wait()
        assert sup.pids() and all(gone(pid) for pid in sup.pids())
    finally:
        sup.kill()


def test_wait_for_tcp_returns_once_a_port_listens_and_times_out_otherwise() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        wait_for_tcp("127.0.0.1", port, timeout=2)
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=f"127.0.0.1:{port}"):
        wait_for_tcp("127.0.0.1", port, timeout=0.3)
    assert time.monotonic() - started < 2
