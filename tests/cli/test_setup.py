"""costgrid login, its config file, exit codes, and the real entry point."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

from services.common import decimal_json
from tests.cli.conftest import Cli, api
from tests.support.gateway_stack import Stack
from tests.support.infra import ROOT

NO_ENV: dict[str, str] = {}


async def test_login_saves_a_private_file_the_next_commands_use(
    cli: Cli, stack: Stack, config_home: Path
) -> None:
    token = stack.tokens["default:viewer"]
    done = await cli("login", "--url", stack.base_url, "--token", token, env=NO_ENV)
    assert done.exit_code == 0, done.stderr
    saved = config_home / "costgrid" / "config.toml"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert token in saved.read_text()
    listed = await cli("accounts", "list", "-o", "json", env=NO_ENV)
    assert listed.exit_code == 0, listed.stderr
    assert decimal_json.loads(listed.stdout) == await api(stack, "/cloud-accounts")


async def test_a_refused_token_is_not_saved(cli: Cli, stack: Stack, config_home: Path) -> None:
    done = await cli("login", "--url", stack.base_url, "--token", "cg_wrong", env=NO_ENV)
    assert done.exit_code == 1
    assert done.stderr.startswith("error: ")
    assert not (config_home / "costgrid" / "config.toml").exists()


async def test_without_a_login_the_command_says_how_to_log_in(cli: Cli) -> None:
    done = await cli("costs", "overview", env=NO_ENV)
    assert done.exit_code == 1
    assert "costgrid login" in done.stderr


async def test_an_unreachable_api_exits_3(cli: Cli) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {"COSTGRID_URL": f"http://127.0.0.1:{port}", "COSTGRID_TOKEN": "cg_x"}
    done = await cli("costs", "overview", env=env)
    assert done.exit_code == 3
    assert "cannot reach the API" in done.stderr


async def test_bad_usage_exits_2(cli: Cli) -> None:
    done = await cli("costs", "trend", "--days", "many")
    assert done.exit_code == 2


async def test_every_command_has_help_with_an_example(cli: Cli) -> None:
    commands = [
        ("login",), ("sync",), ("forecast",), ("accounts", "list"), ("accounts", "add"),
        ("accounts", "test"), ("accounts", "delete"), ("import", "focus"), ("costs", "overview"),
        ("costs", "trend"), ("anomalies", "list"), ("anomalies", "dismiss"), ("budgets", "list"),
        ("budgets", "add"), ("budgets", "status"), ("invoices", "generate"),
        ("invoices", "historical"), ("invoices", "list"), ("invoices", "mark-paid"),
        ("invoices", "download"), ("usage", "push"), ("tenants", "estimate"), ("tokens", "create"),
        ("tokens", "list"), ("tokens", "revoke"), ("orgs", "create"),
    ]  # fmt: skip
    for command in commands:
        done = await cli(*command, "--help")
        assert done.exit_code == 0, command
        assert "Example: costgrid " + command[0] in done.stdout, command


async def test_python_m_costgrid_runs_the_cli(stack: Stack, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("COSTGRID_")}
    env.update(
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
        XDG_CONFIG_HOME=str(tmp_path),
        COSTGRID_URL=stack.base_url,
        COSTGRID_TOKEN=stack.tokens["default:viewer"],
    )
    # In a thread: the stack answering it runs on this test's event loop.
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "costgrid", "tokens", "list", "-o", "json"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    # A viewer may not list tokens: the API's 403 message, exit 1, no traceback.
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
