"""The security suite: the whole stack in this process, attacked through its REST API.

One test module per finding of the tenant-safety issue; each test fails without its fix."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.common.settings import Settings
from tests.security.first_org import make_first_org
from tests.support.gateway_stack import Stack, gateway_stack


@pytest.fixture(scope="package")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running


@pytest.fixture(scope="package")
async def first_org(stack: Stack) -> dict[str, Any]:
    """Ids of one of everything in the first organization, keyed by path parameter name."""
    return await make_first_org(stack)
