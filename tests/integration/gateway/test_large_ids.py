"""Odd filter values (ids past 32 bits, NUL characters) are a caller's question, never a 500."""

import pytest

from tests.support.gateway_stack import Stack

BIG = 3_533_470_029  # above int4's range: a bare parameter compared with 0 is typed int4


@pytest.mark.parametrize("query", [{"rule_id": BIG}, {"channel_id": BIG}])
async def test_delivery_filters_take_ids_beyond_32_bits(stack: Stack, query: dict) -> None:
    response = await stack.http(stack.tokens["default:viewer"]).get(
        "/api/v1/deliveries", params=query
    )
    assert response.status_code == 200, response.text
    assert response.json()["deliveries"] == []


async def test_alerts_of_an_unknown_budget_id_beyond_32_bits_are_not_found_or_empty(
    stack: Stack,
) -> None:
    response = await stack.http(stack.tokens["default:viewer"]).get(f"/api/v1/budgets/{BIG}/alerts")
    assert response.status_code in (200, 404), response.text
    if response.status_code == 200:
        assert response.json()["alerts"] == []


async def test_a_nul_character_in_a_text_filter_is_a_bad_request(stack: Stack) -> None:
    """PostgreSQL text cannot hold NUL: the statement fails, and the caller hears why."""
    response = await stack.http(stack.tokens["default:viewer"]).get(
        "/api/v1/deliveries", params={"event_id": "a\x00b"}
    )
    assert response.status_code == 400, response.text
    assert "NUL" in response.json()["error"]["message"]
