"""gRPC statuses from the services become HTTP statuses in one error shape."""

import grpc
import pytest
from grpc.aio import AioRpcError, Metadata

from services.common.interceptors import STATUS_DETAILS_KEY, rich_status
from services.gateway.http.errors import from_rpc_error


def _rpc_error(
    code: grpc.StatusCode, message: str, reason: str = "", **metadata: str
) -> AioRpcError:
    trailing = Metadata()
    if reason:
        trailing.add(STATUS_DETAILS_KEY, rich_status(code, message, reason, "x.costgrid", metadata))
    return AioRpcError(code, Metadata(), trailing, details=message)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (grpc.StatusCode.INVALID_ARGUMENT, 400),
        (grpc.StatusCode.UNAUTHENTICATED, 401),
        (grpc.StatusCode.PERMISSION_DENIED, 403),
        (grpc.StatusCode.NOT_FOUND, 404),
        (grpc.StatusCode.ALREADY_EXISTS, 409),
        (grpc.StatusCode.ABORTED, 409),
        (grpc.StatusCode.FAILED_PRECONDITION, 409),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
        (grpc.StatusCode.UNIMPLEMENTED, 501),
        (grpc.StatusCode.UNAVAILABLE, 503),
        (grpc.StatusCode.DEADLINE_EXCEEDED, 504),
        (grpc.StatusCode.INTERNAL, 500),
    ],
)
def test_status_is_mapped_from_the_grpc_code(code: grpc.StatusCode, status: int) -> None:
    assert from_rpc_error(_rpc_error(code, "boom"), "budgets").status == status


def test_invalid_argument_names_the_field_from_error_info() -> None:
    error = from_rpc_error(
        _rpc_error(
            grpc.StatusCode.INVALID_ARGUMENT,
            "days_back: 1..365",
            "INVALID_ARGUMENT",
            field="days_back",
        ),
        "ingest",
    )
    assert (error.status, error.details["field"]) == (400, "days_back")
    assert error.message == "days_back: 1..365"


def test_unimplemented_says_the_capability_has_not_landed() -> None:
    error = from_rpc_error(
        _rpc_error(grpc.StatusCode.UNIMPLEMENTED, "Method not implemented!"), "metering"
    )
    assert error.status == 501 and error.code == "NOT_LANDED"
    assert "has not landed yet" in error.message and "metering" in error.message


def test_unprocessable_precondition_is_422() -> None:
    error = from_rpc_error(
        _rpc_error(grpc.StatusCode.FAILED_PRECONDITION, "no", "UNPROCESSABLE"), "invoicing"
    )
    assert error.status == 422


def test_internal_errors_do_not_leak_the_service_message() -> None:
    error = from_rpc_error(_rpc_error(grpc.StatusCode.INTERNAL, "secret internals"), "budgets")
    assert "secret internals" not in error.message
