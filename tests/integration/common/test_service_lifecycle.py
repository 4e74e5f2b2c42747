"""The gRPC skeleton: health, graceful shutdown, caller context and error mapping."""

import asyncio

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.caller import Caller, sign
from services.common.errors_client import error_info
from services.common.server import start
from tests.support.kit_service import SERVICE, definition

CALLER = Caller("org-1", "member", "token:42")


@pytest.fixture
async def running(settings):
    service = await start(definition(), settings)
    yield service
    if not service.stop_event.is_set():
        await service.stop(grace=1)


def _method(channel, name):
    return channel.unary_unary(f"/{SERVICE}/{name}")


def _signed(settings, caller=CALLER, key=None):
    key = key or settings.context_signing_key.get_secret_value().encode()
    return sign(caller, key)


async def _health(address):
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return (await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)).status


async def test_health_is_serving_after_start(running):
    assert await _health(running.address) == health_pb2.HealthCheckResponse.SERVING


async def test_shutdown_reports_not_serving_and_lets_in_flight_calls_finish(running, settings):
    async with grpc.aio.insecure_channel(running.address) as channel:
        in_flight = asyncio.ensure_future(
            _method(channel, "Sleep")(b"1.5", metadata=_signed(settings), timeout=10)
        )
        await asyncio.sleep(0.3)
        stopping = asyncio.create_task(running.stop(grace=5, drain=0.6))
        await asyncio.sleep(0.2)
        assert await _health(running.address) == health_pb2.HealthCheckResponse.NOT_SERVING
        assert await in_flight == b"slept"
        await stopping


async def test_valid_caller_context_reaches_the_handler(running, settings):
    async with grpc.aio.insecure_channel(running.address) as channel:
        assert (
            await _method(channel, "WhoAmI")(b"", metadata=_signed(settings))
            == b"org-1/member/token:42"
        )


async def _rejection(running, metadata):
    async with grpc.aio.insecure_channel(running.address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await _method(channel, "WhoAmI")(b"", metadata=metadata)
    return caught.value


async def test_call_without_caller_context_is_unauthenticated(running):
    error = await _rejection(running, None)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_info(error).reason == "CALLER_CONTEXT_MISSING"


async def test_context_signed_with_another_key_is_rejected(running, settings):
    error = await _rejection(running, _signed(settings, key=b"not-the-gateway"))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_info(error).reason == "CALLER_CONTEXT_FORGED"


async def test_context_with_a_tampered_role_is_rejected(running, settings):
    genuine = dict(_signed(settings))
    forged = dict(_signed(settings, Caller("org-1", "admin", "token:42"), key=b"guess"))
    metadata = [
        ("x-costgrid-caller", forged["x-costgrid-caller"]),
        ("x-costgrid-caller-sig", genuine["x-costgrid-caller-sig"]),
    ]
    error = await _rejection(running, metadata)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_domain_error_carries_status_and_error_info(running, settings):
    async with grpc.aio.insecure_channel(running.address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await _method(channel, "Fail")(b"bad", metadata=_signed(settings))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    info = error_info(caught.value)
    assert info.reason == "INVALID_ARGUMENT"
    assert info.metadata["field"] == "days_back"


async def test_unexpected_error_is_internal_with_request_id_and_no_traceback(running, settings):
    async with grpc.aio.insecure_channel(running.address) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await _method(channel, "Fail")(
                b"boom", metadata=[*_signed(settings), ("x-request-id", "req-123")]
            )
    assert caught.value.code() == grpc.StatusCode.INTERNAL
    assert "req-123" in caught.value.details()
    assert "secret internals" not in caught.value.details()
    assert "Traceback" not in caught.value.details()
