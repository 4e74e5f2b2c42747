"""Settings fail fast: every documented variable is read under exactly its name, and a name
nothing reads stops a service at start, naming the closest known one."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from sqlalchemy import text

from services.common.known_settings import (
    TOOL_VARIABLES,
    known_variables,
    settings_classes,
    unknown_variables,
    variables_of,
)
from services.common.server import start
from services.common.settings import SERVICES, Settings
from services.gateway.bootstrap import GatewayState, definition
from services.gateway.domain.tokens import hash_secret
from tests.support.gateway_stack import Stack
from tests.support.infra import ROOT

_ROW = re.compile(r"^\| (`COSTGRID_[^|]+)\|", re.M)
_NAME = re.compile(r"`([A-Z0-9_<>]+)`")


def documented_variables() -> set[str]:
    """Names in the README's configuration tables; `_SUFFIX` shares the row's first area."""
    names: set[str] = set()
    for cell in _ROW.findall((ROOT / "README.md").read_text()):
        first, *more = _NAME.findall(cell)
        area = "_".join(first.split("_")[:2])
        for name in [first, *(area + suffix for suffix in more)]:
            if name == "COSTGRID_<SERVICE>_ADDR":
                names |= {f"COSTGRID_{service.upper()}_ADDR" for service in SERVICES}
            else:
                names.add(name)
    return names


def test_every_documented_variable_is_read_under_that_name() -> None:
    documented = documented_variables()
    assert "COSTGRID_GATEWAY_DEFAULT_ORG_ID" in documented
    assert "COSTGRID_GATEWAY_RATE_LIMIT_BURST" in documented
    assert sorted(documented - known_variables()) == []


def test_every_setting_is_documented() -> None:
    read = set(TOOL_VARIABLES)
    for cls in settings_classes():
        read |= variables_of(cls)
    assert sorted(read - documented_variables()) == []


def test_a_variable_of_another_service_does_not_stop_a_service() -> None:
    shared = {"COSTGRID_METERING_USAGE_WORKERS": "2", "COSTGRID_NOTIFIER_CA_FILE": "", "PATH": "/"}
    assert unknown_variables(shared, known_variables()) == []


def test_a_service_refuses_to_start_on_an_unknown_variable_naming_the_closest() -> None:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("COSTGRID_")}
    env.update(
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
        # Nothing answers there: without the check the gateway fails later, for another reason.
        COSTGRID_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        COSTGRID_NATS_URL="nats://127.0.0.1:1",
        COSTGRID_GATEWAY_DEFAULT_ORGID="orgb",
    )
    done = subprocess.run(
        [sys.executable, "-m", "services.gateway"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "unknown setting COSTGRID_GATEWAY_DEFAULT_ORGID" in done.stderr
    assert "did you mean COSTGRID_GATEWAY_DEFAULT_ORG_ID?" in done.stderr
    assert "Traceback" not in done.stderr


async def test_the_documented_default_org_id_owns_the_bootstrap_token(
    stack: Stack, monkeypatch
) -> None:
    """The finding: started with COSTGRID_GATEWAY_DEFAULT_ORG_ID=orgb, the bootstrap token
    became admin of "default"."""
    secret = "cg_security_bootstrap_for_orgb"
    monkeypatch.setenv("COSTGRID_GATEWAY_DEFAULT_ORG_ID", "orgb")
    monkeypatch.setenv("COSTGRID_BOOTSTRAP_TOKEN", secret)
    monkeypatch.setenv("COSTGRID_GATEWAY_HTTP_ADDR", "127.0.0.1:0")
    kit = {k: v for k, v in stack.settings.model_dump().items() if k in Settings.model_fields}
    running = await start(
        definition(GatewayState()), Settings(**{**kit, "gateway_addr": "127.0.0.1:0"})
    )
    try:
        async with running.runtime.db.transaction() as session:
            owner = (
                await session.execute(
                    text("SELECT org_id FROM api_tokens WHERE token_hash = :h"),
                    {"h": hash_secret(secret)},
                )
            ).scalar_one()
    finally:
        await running.stop(grace=1)
    assert owner == "orgb"
