"""Routes that map straight onto one RPC: path ids, query filters or a JSON body in; the
response message (or one field of it) out. Built from the contract, so models match it."""

from __future__ import annotations

import inspect
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Annotated, Any

from fastapi import Body, Depends, Header, Path, Query, Request, Response
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from pydantic import BaseModel, create_model

from services.common.caller import Caller
from services.gateway.http import protojson
from services.gateway.http.auth import require
from services.gateway.http.jsonio import DecimalJSONResponse
from services.gateway.http.registry import RouteInfo, Router, call
from services.gateway.http.schemas import INT64, field_type, model_for

_KW = inspect.Parameter.KEYWORD_ONLY
INT64_MAX = 2**63 - 1
_NOT_QUERY = {"request_id"}


@dataclass(frozen=True)
class Rpc:
    """One RPC of a generated module pair, e.g. Rpc(pb, pb_grpc, "BudgetService", "GetBudget")."""

    pb: ModuleType
    pb_grpc: ModuleType
    service: str
    method: str

    @property
    def descriptor(self) -> Any:
        return self.pb.DESCRIPTOR.services_by_name[self.service].methods_by_name[self.method]

    @property
    def request_class(self) -> type[Message]:
        return getattr(self.pb, self.descriptor.input_type.name)  # type: ignore[no-any-return]

    @property
    def owner(self) -> str:
        """The owning service, from the generated module's package (costgrid.<svc>.v1)."""
        return str(self.pb.__name__.split(".")[1])

    @property
    def stub(self) -> type:
        return getattr(self.pb_grpc, f"{self.service}Stub")  # type: ignore[no-any-return]


def _field_at(descriptor: Descriptor, dotted: str) -> FieldDescriptor:
    parts = dotted.split(".")
    for part in parts[:-1]:
        descriptor = protojson.message_type(descriptor.fields_by_name[part])
    return descriptor.fields_by_name[parts[-1]]


def _set_dotted(message: Message, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        message = getattr(message, part)
    setattr(message, parts[-1], value)


def _path_param(field: FieldDescriptor) -> Any:
    if field.type == FieldDescriptor.TYPE_STRING:
        return Annotated[str, Path(min_length=1, max_length=200)]
    return Annotated[int, Path(ge=1, le=INT64_MAX)]


def _query_fields(descriptor: Descriptor, skip: set[str]) -> dict[str, FieldDescriptor]:
    fields = {}
    for field in descriptor.fields:
        if field.name in skip or field.name in _NOT_QUERY or field.message_type is not None:
            continue
        fields[field.name] = field
    return fields


def _body_model(rpc: Rpc, body: str, extra: tuple[str, ...], skip: set[str]) -> type[BaseModel]:
    request = protojson.descriptor_of(rpc.request_class)
    if body:
        base = model_for(protojson.message_type(request.fields_by_name[body]), output=False)
        # Any: create_model's keyword parameters (__config__, ...) share the ** namespace.
        extras: dict[str, Any] = {
            name: (field_type(request.fields_by_name[name], False) | None, None) for name in extra
        }
        if not extras:
            return base
        return create_model(f"{rpc.method}Body", __base__=base, **extras)
    return model_for(request, output=False, exclude=frozenset(skip | _NOT_QUERY))


def proto_route(
    router: Router,
    info: RouteInfo,
    rpc: Rpc,
    *,
    path_fields: dict[str, str] | None = None,
    body: str | None = None,
    extra_body: tuple[str, ...] = (),
    mask: bool = False,
    unwrap: str = "",
) -> None:
    """`body=None`: no body (GET/DELETE take query filters); `body=""`: the request message
    itself is the body; `body="budget"`: that field is the body (plus `extra_body` fields).
    `mask`: update_mask lists the fields the body set."""
    request_desc = protojson.descriptor_of(rpc.request_class)
    paths = {name: (path_fields or {}).get(name, name) for name in info.path_params}
    top_skip = {dotted.split(".")[0] for dotted in paths.values()} | {"update_mask"}
    params = [
        inspect.Parameter("request", _KW, annotation=Request),
        inspect.Parameter("caller", _KW, annotation=Annotated[Caller, Depends(require(info.role))]),
    ]
    for name, dotted in paths.items():
        params.append(
            inspect.Parameter(name, _KW, annotation=_path_param(_field_at(request_desc, dotted)))
        )
    queries: dict[str, FieldDescriptor] = {}
    body_model = None
    if body is None and info.method == "GET":
        queries = _query_fields(request_desc, top_skip)
        for name, field in queries.items():
            kind = field_type(field, output=False)
            params.append(
                inspect.Parameter(
                    name, _KW, annotation=Annotated[kind | None, Query()], default=None
                )
            )
    elif body is not None:
        body_model = _body_model(rpc, body, extra_body, top_skip if body == "" else set())
        params.append(inspect.Parameter("body", _KW, annotation=Annotated[body_model, Body()]))
    has_request_id = "request_id" in request_desc.fields_by_name
    if has_request_id:
        params.append(
            inspect.Parameter(
                "idempotency_key",
                _KW,
                annotation=Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)],
                default=None,
            )
        )
    response_desc = rpc.descriptor.output_type
    if unwrap:
        response_desc = response_desc.fields_by_name[unwrap].message_type

    async def endpoint(**kwargs: Any) -> Response:
        # Any: the request class is picked at runtime, so its fields are only known then.
        message: Any = rpc.request_class()
        if body is not None and kwargs.get("body") is not None:
            data = kwargs["body"].model_dump(exclude_unset=True)
            extras = {k: data.pop(k) for k in extra_body if k in data}
            if body:
                protojson.from_json(data, getattr(message, body), f"{body}.")
                getattr(message, body).SetInParent()
                protojson.from_json(extras, message)
            else:
                protojson.from_json(data, message)
            if mask:
                message.update_mask.paths.extend([*data.keys(), *extras.keys()])
        for name in queries:
            value = kwargs.get(name)
            if value is not None:
                protojson.from_json({name: value}, message)
        for name, dotted in paths.items():
            _set_dotted(message, dotted, kwargs[name])
        if has_request_id:
            message.request_id = kwargs.get("idempotency_key") or uuid.uuid4().hex
        answer = await call(kwargs["request"], info.service, rpc.stub, rpc.method, message)
        if info.status == 204:
            return Response(status_code=204)
        content = getattr(answer, unwrap) if unwrap else answer
        return DecimalJSONResponse(protojson.to_json(content), status_code=info.status)

    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = rpc.method
    if info.status == 204:
        router.add(info, endpoint, response_model=None, response_class=Response)
    else:
        router.add(info, endpoint, response_model=model_for(response_desc, output=True))


def route(
    router: Router,
    spec: str,
    role: str,
    rpc: Rpc,
    summary: str,
    *,
    status: int = 200,
    example: dict[str, Any] | None = None,
    tag: str = "",
    variant: str = "",
    description: str = "",
    **options: Any,
) -> None:
    """`route(router, "GET /budgets/{budget_id}", "viewer", rpc, "Get a budget", unwrap=...)`."""
    method, path = spec.split(" ", 1)
    name = f"{rpc.service}.{rpc.method}" + (f"#{variant}" if variant else "")
    info = RouteInfo(
        method, path, role, rpc.owner, name, summary, status, example, tag, description
    )
    proto_route(router, info, rpc, **options)


__all__ = ["INT64", "Rpc", "proto_route", "route"]
