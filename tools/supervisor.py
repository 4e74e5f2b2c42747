"""Run several processes as one: prefixed output, shared fate, clean shutdown.

`make run` starts every service under run(). Each child sits in its own process group, so a
terminal Ctrl-C reaches only the supervisor, which forwards it as SIGTERM: every service then
takes the same graceful-shutdown path it takes under an orchestrator, and the supervisor alone
decides when a grace period is over.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, TextIO

SUPERVISOR = "supervisor"
_COLORS = ("36", "33", "35", "32", "34", "91", "96", "93", "95")
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Proc:
    """One supervised process. `env` is layered over the supervisor's own environment."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    cwd: Path | str | None = None


def wait_for_tcp(host: str, port: int, timeout: float = 10.0) -> None:
    """Return once something accepts TCP on host:port; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError as exc:
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"nothing accepted TCP on {host}:{port} within {timeout:g}s (last error: {exc})"
                ) from exc
            time.sleep(0.1)


class _Output:
    """Writes whole lines behind a fixed-width prefix; one lock keeps lines from interleaving."""

    def __init__(self, names: Sequence[str], out: TextIO, color: bool) -> None:
        width = max(len(n) for n in names) + 2
        self._out = out
        self._lock = threading.Lock()
        self._prefix: dict[str, str] = {}
        for i, name in enumerate(names):
            text = f"[{name}]".ljust(width)
            self._prefix[name] = (
                f"\x1b[{_COLORS[i % len(_COLORS)]}m{text}\x1b[0m" if color else text
            )

    def line(self, name: str, text: str) -> None:
        with self._lock:
            self._out.write(f"{self._prefix[name]} {text}\n")
            self._out.flush()


def _pump(name: str, stream: IO[bytes], output: _Output) -> None:
    with stream:
        for raw in iter(stream.readline, b""):
            output.line(name, raw.decode("utf-8", errors="replace").rstrip("\r\n"))


def _die_with_supervisor() -> None:
    # If the supervisor itself is SIGKILLed, children would otherwise linger holding their ports
    # and break the next `make run`; the kernel sends them SIGTERM instead.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _spawn(proc: Proc) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(proc.env or {})}
    return subprocess.Popen(
        list(proc.argv),
        env=env,
        cwd=proc.cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        process_group=0,
        preexec_fn=_die_with_supervisor,
    )


def _signal_group(child: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(child.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _describe(code: int) -> str:
    return f"signal {signal.Signals(-code).name}" if code < 0 else f"code {code}"


class _Supervisor:
    def __init__(self, processes: Sequence[Proc], grace: float, output: _Output) -> None:
        self.processes = processes
        self.grace = grace
        self.output = output
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.pumps: list[threading.Thread] = []
        self.signals: list[int] = []
        self.wake = threading.Event()

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.signals.append(signum)
        self.wake.set()

    def say(self, text: str) -> None:
        self.output.line(SUPERVISOR, text)

    def start_all(self) -> bool:
        for proc in self.processes:
            try:
                child = _spawn(proc)
            except OSError as exc:
                self.say(f"could not start {proc.name} ({' '.join(proc.argv)}): {exc}")
                return False
            self.children[proc.name] = child
            assert child.stdout is not None
            pump = threading.Thread(target=_pump, args=(proc.name, child.stdout, self.output))
            pump.daemon = True
            pump.start()
            self.pumps.append(pump)
        return True

    def watch(self) -> bool:
        """Block until a signal arrives (False) or a child exits on its own (True)."""
        while not self.signals:
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    self.say(
                        f"{name} exited unexpectedly with {_describe(code)}; stopping the rest"
                    )
                    return True
            self.wake.wait(0.1)
        self.say(f"received {signal.Signals(self.signals[0]).name}; stopping all")
        return False

    def stop_all(self) -> bool:
        """SIGTERM every group, SIGKILL what outlives the grace period. True if any was killed."""
        asked = len(self.signals)
        for child in self.children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        killed = False
        while any(c.poll() is None for c in self.children.values()):
            # A second Ctrl-C means the user will not wait out the grace period.
            if time.monotonic() >= deadline or len(self.signals) > asked:
                for name, child in self.children.items():
                    if child.poll() is None:
                        self.say(f"{name} did not stop within {self.grace:g}s; killing it")
                        _signal_group(child, signal.SIGKILL)
                        killed = True
                for child in self.children.values():
                    child.wait()
                break
            time.sleep(0.05)
        for pump in self.pumps:
            pump.join(timeout=2)
        for name, child in self.children.items():
            self.say(f"{name} exited with {_describe(child.returncode)}")
        return killed


def run(
    processes: Sequence[Proc],
    *,
    grace: float = 15.0,
    out: TextIO | None = None,
    color: bool | None = None,
) -> int:
    """Run `processes` until SIGINT/SIGTERM or until one exits on its own; return an exit code.

    0 when stopped by a signal and every child stopped within `grace`; 1 when a child exited
    unexpectedly, could not start, or had to be killed.
    """
    out = out or sys.stdout
    if color is None:
        color = out.isatty() and "NO_COLOR" not in os.environ
    names = [p.name for p in processes] + [SUPERVISOR]
    sup = _Supervisor(processes, grace, _Output(names, out, color))
    on_main = threading.current_thread() is threading.main_thread()
    previous = {}
    if on_main:
        previous = {s: signal.signal(s, sup.on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        failed = not sup.start_all() or sup.watch()
        killed = sup.stop_all()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if failed or killed else 0
