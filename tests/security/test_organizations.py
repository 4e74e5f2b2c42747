"""Organizations are first-class: an operator creates one and its first admin token with a
command, against the running suite, with no restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from services.common.settings import Settings
from tests.support.gateway_stack import Stack
from tests.support.infra import ROOT


def orgs_command(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("COSTGRID_")}
    env.update(
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'gen'}",
        COSTGRID_DATABASE_URL=settings.database_url,
        COSTGRID_NAMESPACE=settings.namespace,
        COSTGRID_DB_ROLE_PASSWORD=settings.db_role_password.get_secret_value(),
        COSTGRID_LOG_LEVEL="WARNING",
    )
    return subprocess.run(
        [sys.executable, "-m", "tools.orgs", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_an_operator_creates_an_organization_the_running_gateway_serves(
    stack: Stack,
) -> None:
    org = f"acme-{uuid.uuid4().hex[:8]}"
    done = orgs_command(stack.settings, "create", org, "--name", "Acme Corp", "--output", "json")
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["org_id"] == org
    async with stack.client(created["admin_token"]) as admin:
        member = await admin.post("/api/v1/tokens", json={"name": "ci", "role": "member"})
        listed = await admin.get("/api/v1/tokens")
    assert member.status_code == 201, member.text
    names = sorted(t["name"] for t in listed.json()["tokens"])
    assert names == ["ci", "first admin"]  # its own tokens only, none of "default"'s


async def test_an_existing_organization_id_is_refused_with_exit_code_1(stack: Stack) -> None:
    done = orgs_command(stack.settings, "create", "default", "--name", "Another")
    assert done.returncode == 1
    assert "organization 'default' already exists" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    async with stack.client(stack.tokens["default:admin"]) as admin:
        names = [t["name"] for t in (await admin.get("/api/v1/tokens")).json()["tokens"]]
    assert "first admin" not in names


def test_a_malformed_organization_id_is_refused_with_exit_code_1(stack: Stack) -> None:
    done = orgs_command(stack.settings, "create", "Bad Id!")
    assert done.returncode == 1 and "org_id" in done.stderr
