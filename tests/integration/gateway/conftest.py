"""One suite for the whole gateway package: all six services on the kit, in this process."""

from collections.abc import AsyncIterator

import pytest

from services.common.settings import Settings
from tests.support.gateway_stack import Stack, gateway_stack


@pytest.fixture(scope="package")
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async with gateway_stack(settings) as running:
        yield running
