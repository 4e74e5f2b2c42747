"""The CLI against the whole stack in this process: each command runs through typer's
CliRunner (in a thread, so the stack keeps serving on the event loop) at stack.base_url."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from costgrid.app import app
from services.common import decimal_json
from services.common.settings import Settings
from tests.support.gateway_stack import Stack, gateway_stack

Cli = Callable[..., Awaitable[Result]]


@pytest.fixture(scope="package")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running


@pytest.fixture
def config_home(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def cli(stack: Stack, config_home: Path) -> Cli:
    """`await cli("costs", "overview", token=...)`; env=None leaves COSTGRID_URL/TOKEN unset."""

    async def run(
        *args: str, token: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return await invoke(stack, config_home, args, token, env)

    return run


async def invoke(
    stack: Stack,
    config_home: Path,
    args: tuple[str, ...],
    token: str | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    variables: dict[str, str | None] = {
        "XDG_CONFIG_HOME": str(config_home),
        "COSTGRID_URL": None,
        "COSTGRID_TOKEN": None,
    }
    if env is None:
        variables |= {
            "COSTGRID_URL": stack.base_url,
            "COSTGRID_TOKEN": token or stack.tokens["default:admin"],
        }
    else:
        variables |= env
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=variables)


async def api(stack: Stack, path: str, token: str | None = None) -> Any:
    """The API's own answer, read with exact decimals, to compare the CLI's with."""
    response = await stack.http(token or stack.tokens["default:admin"]).get(f"/api/v1{path}")
    assert response.status_code == 200, response.text
    return decimal_json.loads(response.content)
