"""The one way a REST route is declared: a `Route` onto one RPC. Most map straight onto it
(path ids, query filters or a JSON body in; the response message, one field of it, or a `View`
of it out), built from the contract so their models match it; the rest name a `Handler`, an
endpoint of their own."""

from __future__ import annotations

import dataclasses
import inspect
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
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


@dataclass(frozen=True)
class View:
    """An answer in a shape of the API's own: `to_json` of the response message (or of its
    `unwrap` field), documented by `model`."""

    model: type[BaseModel]
    to_json: Callable[[Any], Any]


@dataclass(frozen=True)
class Handler:
    """A route's own endpoint, where the request or the answer is not the contract's."""

    endpoint: Callable[..., Awaitable[Response]]
    model: type[BaseModel] | None = None
    response_class: type[Response] = DecimalJSONResponse
    openapi_extra: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Route:
    """`Route("GET /budgets/{budget_id}", "viewer", rpc, "Get a budget", unwrap="budget")`.

    `body=None`: no body (GET/DELETE take query filters); `body=""`: the request message itself
    is the body; `body="budget"`: that field is the body (plus `extra_body` fields).
    `path_fields` names the request field a path id fills where it is not the id's own name.
    `mask`: update_mask lists the fields the body set. `variant` tells apart two routes onto
    the same RPC. With a `handler`, that endpoint answers instead and the body options stay
    unset."""

    spec: str
    role: str
    rpc: Rpc
    summary: str
    status: int = 200
    example: dict[str, Any] | None = None
    variant: str = ""
    description: str = ""
    path_fields: Mapping[str, str] = dataclasses.field(default_factory=dict)
    body: str | None = None
    extra_body: tuple[str, ...] = ()
    mask: bool = False
    unwrap: str = ""
    view: View | None = None
    handler: Handler | None = None

    def __post_init__(self) -> None:
        mapped = (self.path_fields, self.body, self.extra_body, self.mask, self.unwrap, self.view)
        if self.handler is not None and mapped != ({}, None, (), False, "", None):
            raise ValueError(f"{self.spec}: a route with a handler maps nothing itself")

    def info(self, tag: str) -> RouteInfo:
        method, path = self.spec.split(" ", 1)
        name = f"{self.rpc.service}.{self.rpc.method}" + (
            f"#{self.variant}" if self.variant else ""
        )
        return RouteInfo(
            method,
            path,
            self.role,
            self.rpc.owner,
            name,
            self.summary,
            self.status,
            self.example,
            tag,
            self.description,
        )


def routes(router: Router, tag: str, table: Iterable[Route]) -> None:
    for spec in table:
        route(router, tag, spec)


def route(router: Router, tag: str, spec: Route) -> None:
    info = spec.info(tag)
    handler = spec.handler or _Binding(info, spec).handler()
    router.add(info, handler.endpoint, handler.model, handler.response_class, handler.openapi_extra)


class _Binding:
    """How one route's path ids, query filters, body and Idempotency-Key fill its request."""

    def __init__(self, info: RouteInfo, spec: Route) -> None:
        self.info, self.spec = info, spec
        self.request = protojson.descriptor_of(spec.rpc.request_class)
        self.paths = {name: spec.path_fields.get(name, name) for name in info.path_params}
        self.skip = {dotted.split(".")[0] for dotted in self.paths.values()} | {"update_mask"}
        self.queries: dict[str, FieldDescriptor] = {}
        if spec.body is None and info.method == "GET":
            self.queries = _query_fields(self.request, self.skip)
        self.has_request_id = "request_id" in self.request.fields_by_name

    def parameters(self) -> list[inspect.Parameter]:
        caller = Annotated[Caller, Depends(require(self.info.role))]
        params = [
            inspect.Parameter("request", _KW, annotation=Request),
            inspect.Parameter("caller", _KW, annotation=caller),
        ]
        for name, dotted in self.paths.items():
            kind = _path_param(_field_at(self.request, dotted))
            params.append(inspect.Parameter(name, _KW, annotation=kind))
        for name, query in self.queries.items():
            kind = Annotated[field_type(query, output=False) | None, Query()]
            params.append(inspect.Parameter(name, _KW, annotation=kind, default=None))
        if self.spec.body is not None:
            skip = self.skip if self.spec.body == "" else set()
            body = _body_model(self.spec.rpc, self.spec.body, self.spec.extra_body, skip)
            params.append(inspect.Parameter("body", _KW, annotation=Annotated[body, Body()]))
        if self.has_request_id:
            key = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
            params.append(inspect.Parameter("idempotency_key", _KW, annotation=key, default=None))
        return params

    def message(self, values: dict[str, Any]) -> Message:
        # Any: the request class is picked at runtime, so its fields are only known then.
        message: Any = self.spec.rpc.request_class()
        body, extra = self.spec.body, self.spec.extra_body
        if body is not None and values.get("body") is not None:
            data = values["body"].model_dump(exclude_unset=True)
            extras = {k: data.pop(k) for k in extra if k in data}
            if body:
                protojson.from_json(data, getattr(message, body), f"{body}.")
                getattr(message, body).SetInParent()
                protojson.from_json(extras, message)
            else:
                protojson.from_json(data, message)
            if self.spec.mask:
                message.update_mask.paths.extend([*data.keys(), *extras.keys()])
        for name in self.queries:
            if values.get(name) is not None:
                protojson.from_json({name: values[name]}, message)
        for name, dotted in self.paths.items():
            _set_dotted(message, dotted, values[name])
        if self.has_request_id:
            message.request_id = values.get("idempotency_key") or uuid.uuid4().hex
        return message  # type: ignore[no-any-return]

    def answer(self, response: Any) -> Response:
        if self.info.status == 204:
            return Response(status_code=204)
        content = getattr(response, self.spec.unwrap) if self.spec.unwrap else response
        view = self.spec.view
        json = view.to_json(content) if view else protojson.to_json(content)
        return DecimalJSONResponse(json, status_code=self.info.status)

    def handler(self) -> Handler:
        rpc = self.spec.rpc

        async def endpoint(**values: Any) -> Response:
            message = self.message(values)
            answer = await call(values["request"], self.info.service, rpc.stub, rpc.method, message)
            return self.answer(answer)

        # Parameters first: their models take their names before the response's.
        endpoint.__signature__ = inspect.Signature(self.parameters())  # type: ignore[attr-defined]
        endpoint.__name__ = rpc.method
        if self.info.status == 204:
            return Handler(endpoint, None, Response)
        return Handler(endpoint, self.response_model())

    def response_model(self) -> type[BaseModel]:
        if self.spec.view is not None:
            return self.spec.view.model
        response = self.spec.rpc.descriptor.output_type
        if self.spec.unwrap:
            response = response.fields_by_name[self.spec.unwrap].message_type
        return model_for(response, output=True)


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


__all__ = ["INT64", "Handler", "Route", "Rpc", "View", "route", "routes"]
