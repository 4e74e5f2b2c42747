"""The security suite: the whole stack in this process, attacked through its REST API.

One test module per finding of the tenant-safety issue; each test fails without its fix."""

from collections.abc import AsyncIterator

import pytest

from services.common.settings import Settings
from tests.support.gateway_stack import Stack, gateway_stack


@pytest.fixture(scope="package")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running
