"""Failed authentication costs the caller: throttled per client address (429 with
Retry-After), refused from memory when repeated, and audited without the token."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import httpx
from sqlalchemy import text

from services.common.server import start
from services.gateway.bootstrap import GatewayState, definition
from services.gateway.domain.tokens import display_prefix, hash_secret
from services.gateway.http.failed_auth import MAX_ROWS_PER_WINDOW, Tally, audit_events
from services.gateway.repository import tokens as repository
from tests.support.gateway_stack import Stack

TOKENS = "/api/v1/tokens"


async def _extra_gateway(stack: Stack, **update: object):  # type: ignore[no-untyped-def]
    state = GatewayState()
    settings = stack.settings.model_copy(update={"gateway_addr": "127.0.0.1:0", **update})
    running = await start(definition(state), settings)
    return running, f"http://127.0.0.1:{state.http_port}"


def _from(address: str, base: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base,
        headers={"Authorization": f"Bearer {token}"},
        transport=httpx.AsyncHTTPTransport(local_address=address),
    )


async def _status_from(address: str, base: str, token: str) -> httpx.Response:
    async with _from(address, base, token) as client:
        return await client.get(TOKENS)


async def test_failures_are_throttled_per_client_address_with_retry_after(stack: Stack) -> None:
    running, base = await _extra_gateway(
        stack, gateway_auth_failure_burst=5, gateway_auth_failures_per_minute=1.0
    )
    try:
        codes = [
            (await _status_from("127.0.0.2", base, f"cg_bad_{i}")).status_code for i in range(5)
        ]
        throttled = await _status_from("127.0.0.2", base, "cg_bad_next")
        elsewhere = await _status_from("127.0.0.3", base, "cg_bad_elsewhere")
    finally:
        await running.stop(grace=1)
    assert codes == [401] * 5
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    assert throttled.json()["error"]["code"] == "TOO_MANY_FAILED_AUTHENTICATIONS"
    assert elsewhere.status_code == 401


async def test_a_token_that_failed_is_refused_from_memory_not_looked_up_again(
    stack: Stack,
) -> None:
    secret = "cg_" + secrets.token_urlsafe(32)
    first = await _status_from("127.0.0.4", stack.base_url, secret)
    # The same secret now exists in the database: a lookup would let it in.
    async with stack.gateway.runtime.db.transaction() as session:
        await repository.insert_token(
            session,
            org_id="default",
            name="appears later",
            role="viewer",
            prefix=display_prefix(secret),
            token_hash=hash_secret(secret),
            request_id=None,
            created_by="test",
            expires_at=None,
        )
    again = await _status_from("127.0.0.4", stack.base_url, secret)
    assert (first.status_code, again.status_code) == (401, 401)


async def test_failures_are_audited_once_per_address_per_window_without_the_token(
    stack: Stack,
) -> None:
    started = datetime.now(UTC)
    running, base = await _extra_gateway(stack, gateway_auth_failure_burst=100)
    bad = [f"cg_audited_{i}_{secrets.token_hex(8)}" for i in range(12)]
    try:
        for token in bad:
            assert (await _status_from("127.0.0.5", base, token)).status_code == 401
    finally:
        await running.stop(grace=1)  # the window (60 s) is still open: written at stop
    async with stack.gateway.runtime.db.transaction() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT action, outcome, org_id, actor, detail, detail::text"
                    " FROM audit_events WHERE client_address = '127.0.0.5' AND occurred_at >= :t"
                ),
                {"t": started},
            )
        ).all()
    assert len(rows) == 1, rows
    action, outcome, org_id, actor, detail, as_text = rows[0]
    assert (action, outcome, org_id, actor) == ("auth.failed", "denied", None, None)
    assert detail["failures"] == 12
    for token in bad:
        assert token not in as_text and hash_secret(token).hex() not in as_text


def test_an_attack_from_many_addresses_writes_a_bounded_number_of_rows() -> None:
    now = datetime.now(UTC)
    tallies = {f"10.0.{i // 256}.{i % 256}": Tally(now, now, failures=1) for i in range(1005)}
    events = audit_events(tallies)
    assert len(events) == MAX_ROWS_PER_WINDOW + 1
    assert events[-1].client_address is None and events[-1].detail["addresses"] == 5
    assert sum(e.detail["failures"] for e in events) == 1005
