"""API tokens: shown once, stored as hashes, revocable at once, expiring, per organization."""

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from costgrid.gateway.v1 import service_pb2 as pb
from costgrid.gateway.v1 import service_pb2_grpc as pb_grpc
from pydantic import SecretStr
from sqlalchemy import text

from services.common.caller import Caller
from services.common.server import start
from services.gateway.bootstrap import GatewayState, definition
from tests.support.gateway_stack import Stack
from tests.support.grpc_client import channel_as


async def _create(stack: Stack, role: str = "viewer", **extra: object) -> dict:
    admin = stack.http(stack.tokens["default:admin"])
    response = await admin.post("/api/v1/tokens", json={"name": "ci", "role": role, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def _rows(stack: Stack, sql: str, **params: object) -> list:
    db = stack.gateway.runtime.db
    assert db is not None
    async with db.transaction() as session:
        return list(await session.execute(text(sql), params))


async def test_created_token_is_shown_once_and_works_with_its_role(stack: Stack) -> None:
    created = await _create(stack, "viewer")
    secret, token = created["secret"], created["token"]
    assert secret.startswith("cg_") and token["prefix"] == secret[:10] and token["role"] == "viewer"
    listed = (
        await stack.http(stack.tokens["default:admin"]).get("/api/v1/tokens?page_size=500")
    ).json()
    assert secret not in str(listed) and token["id"] in [t["id"] for t in listed["tokens"]]
    client = stack.client(secret)
    async with client:
        assert (await client.get("/api/v1/budgets")).status_code == 200
        assert (await client.post("/api/v1/budgets", json={})).status_code == 403


async def test_only_the_sha256_of_the_secret_is_stored(stack: Stack) -> None:
    created = await _create(stack)
    rows = await _rows(stack, "SELECT * FROM api_tokens WHERE id = :id", id=created["token"]["id"])
    stored = [str(v) for v in rows[0]]
    assert not any(created["secret"] in value for value in stored)
    hashes = await _rows(
        stack, "SELECT token_hash FROM api_tokens WHERE id = :id", id=created["token"]["id"]
    )
    assert bytes(hashes[0][0]) == hashlib.sha256(created["secret"].encode()).digest()


async def test_revoked_token_is_refused_at_once_and_revoking_again_is_harmless(
    stack: Stack,
) -> None:
    created = await _create(stack)
    async with stack.client(created["secret"]) as client:
        assert (await client.get("/api/v1/budgets")).status_code == 200
        admin = stack.http(stack.tokens["default:admin"])
        first = await admin.delete(f"/api/v1/tokens/{created['token']['id']}")
        assert first.status_code == 200 and first.json()["active"] is False
        assert (await client.get("/api/v1/budgets")).status_code == 401
        again = await admin.delete(f"/api/v1/tokens/{created['token']['id']}")
        assert again.json()["revoke_time"] == first.json()["revoke_time"]


async def test_expired_token_is_401(stack: Stack) -> None:
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    created = await _create(stack, expire_time=soon)
    async with stack.client(created["secret"]) as client:
        assert (await client.get("/api/v1/budgets")).status_code == 200
        await asyncio.sleep(1.2)
        assert (await client.get("/api/v1/budgets")).status_code == 401


async def test_expiry_in_the_past_is_400_naming_the_field(stack: Stack) -> None:
    admin = stack.http(stack.tokens["default:admin"])
    response = await admin.post(
        "/api/v1/tokens",
        json={"name": "x", "role": "viewer", "expire_time": "2001-01-01T00:00:00Z"},
    )
    assert (
        response.status_code == 400
        and response.json()["error"]["details"]["field"] == "expire_time"
    )


async def test_replayed_idempotency_key_is_409_not_a_second_secret(stack: Stack) -> None:
    admin = stack.http(stack.tokens["default:admin"])
    headers = {"Idempotency-Key": "token-replay-1"}
    first = await admin.post(
        "/api/v1/tokens", json={"name": "a", "role": "viewer"}, headers=headers
    )
    second = await admin.post(
        "/api/v1/tokens", json={"name": "a", "role": "viewer"}, headers=headers
    )
    assert (first.status_code, second.status_code) == (201, 409)


async def test_another_organization_cannot_see_or_revoke_a_token(stack: Stack) -> None:
    created = await _create(stack)
    other = stack.http(stack.tokens["org-b:admin"])
    assert (await other.delete(f"/api/v1/tokens/{created['token']['id']}")).status_code == 404
    listed = (await other.get("/api/v1/tokens?page_size=500")).json()["tokens"]
    assert created["token"]["id"] not in [t["id"] for t in listed]


async def test_token_list_pages_with_next_page_token(stack: Stack) -> None:
    admin = stack.http(stack.tokens["default:admin"])
    seen, token = [], ""
    for _ in range(20):
        page = (
            await admin.get("/api/v1/tokens", params={"page_size": 2, "page_token": token})
        ).json()
        assert len(page["tokens"]) <= 2
        seen += [t["id"] for t in page["tokens"]]
        token = page["next_page_token"]
        if not token:
            break
    assert len(seen) == len(set(seen)) >= 4


async def test_token_service_over_grpc_is_admin_only(stack: Stack) -> None:
    async with channel_as(
        stack.gateway.address, stack.settings, Caller("default", "member", "t")
    ) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await pb_grpc.TokenServiceStub(ch).ListApiTokens(pb.ListApiTokensRequest())
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    async with channel_as(
        stack.gateway.address, stack.settings, Caller("default", "admin", "t")
    ) as ch:
        stub = pb_grpc.TokenServiceStub(ch)
        made = await stub.CreateApiToken(pb.CreateApiTokenRequest(name="grpc", role=pb.ROLE_MEMBER))
        revoked = await stub.RevokeApiToken(pb.RevokeApiTokenRequest(token_id=made.api_token.id))
        assert revoked.api_token.HasField("revoke_time")
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await stub.CreateApiToken(pb.CreateApiTokenRequest(name="x"))
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_bootstrap_token_is_idempotent_and_a_changed_one_is_added(stack: Stack) -> None:
    count = "SELECT count(*) FROM api_tokens WHERE created_by = 'bootstrap'"
    before = (await _rows(stack, count))[0][0]
    for token in (stack.tokens["default:admin"], "cg_rotated_bootstrap_token_for_tests"):
        update = {"bootstrap_token": SecretStr(token), "gateway_addr": "127.0.0.1:0"}
        settings = stack.settings.model_copy(update=update)
        running = await start(definition(GatewayState()), settings)
        await running.stop(grace=1)
    assert (await _rows(stack, count))[0][0] == before + 1
    async with stack.client("cg_rotated_bootstrap_token_for_tests") as client:
        assert (await client.get("/api/v1/tokens")).status_code == 200
