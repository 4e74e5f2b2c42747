"""Pydantic models generated from the protobuf contracts, for validation and OpenAPI.

One model per message and direction: `Budget` (what the API returns) and `BudgetInput`
(what it accepts: output-only fields left out, unknown fields rejected so the 400 names them).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from services.gateway.http.protojson import (
    DECIMAL_FIELDS,
    FIELD_MASK,
    MONEY,
    TIMESTAMP,
    enum_choices,
    enum_type,
    message_type,
)

INT32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
INT64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
# Exact decimal: a JSON number (or a decimal string) read without a float in between.
Amount = Annotated[
    Decimal,
    Field(max_digits=40, decimal_places=20, allow_inf_nan=False),
    WithJsonSchema({"type": "number"}),
]
Text = Annotated[str, Field(max_length=10_000)]

# Set by the server; never accepted in request bodies.
OUTPUT_ONLY = frozenset(
    {
        "create_time",
        "update_time",
        "last_sync_time",
        "has_credentials",
        "has_secrets",
        "revoke_time",
        "last_use_time",
        "detect_time",
        "dismiss_time",
        "close_time",
        "demo",
        "archived",
        "archive_time",
    }
)


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount | None = None
    currency: Annotated[str, Field(max_length=3)] | None = None


_models: dict[tuple[str, bool], type[BaseModel]] = {}
_names: dict[str, str] = {}


def _unique_name(descriptor: Descriptor, output: bool) -> str:
    base = descriptor.name
    if _names.setdefault(base, descriptor.full_name) != descriptor.full_name:
        package = descriptor.full_name.split(".")[1].capitalize()
        base = f"{package}{base}"
    return base if output else f"{base}Input"


def model_for(
    descriptor: Descriptor, output: bool, exclude: frozenset[str] = frozenset()
) -> type[BaseModel]:
    key = (descriptor.full_name + ("|" + ",".join(sorted(exclude)) if exclude else ""), output)
    if key not in _models:
        fields: dict[str, Any] = {}
        is_request = descriptor.name.endswith("Request")
        for field in descriptor.fields:
            if field.name in exclude or _skipped(descriptor, field, output, is_request):
                continue
            fields[field.name] = (field_type(field, output) | None, None)
        name = _unique_name(descriptor, output)
        if exclude:
            name = name.removesuffix("Input") + "Body"
        config = ConfigDict(extra="ignore" if output else "forbid")
        _models[key] = create_model(name, __config__=config, **fields)
    return _models[key]


def _skipped(
    descriptor: Descriptor, field: FieldDescriptor, output: bool, is_request: bool
) -> bool:
    if field.message_type is not None and field.message_type.full_name == FIELD_MASK:
        return True
    if output or is_request:
        return False
    return field.name in OUTPUT_ONLY or (
        field.name == "id" and field.type == FieldDescriptor.TYPE_INT64
    )


def field_type(field: FieldDescriptor, output: bool) -> Any:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        return dict[str, Text]
    single = _single_type(field, output)
    if field.is_repeated:
        return list[single]  # type: ignore[valid-type]
    return single


def _single_type(field: FieldDescriptor, output: bool) -> Any:
    kind = field.type
    if kind == FieldDescriptor.TYPE_MESSAGE:
        nested = message_type(field)
        if nested.full_name == MONEY:
            return Money
        if nested.full_name == TIMESTAMP:
            return datetime
        return model_for(nested, output)
    if kind == FieldDescriptor.TYPE_ENUM:
        return Literal[enum_choices(enum_type(field))]
    if kind == FieldDescriptor.TYPE_STRING:
        return Amount if field.name in DECIMAL_FIELDS else Text
    if kind == FieldDescriptor.TYPE_BOOL:
        return bool
    if kind == FieldDescriptor.TYPE_BYTES:
        return str
    if kind in (
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SFIXED32,
    ):
        return INT32
    if kind in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        raise TypeError(f"{field.full_name}: floats have no place in this API")
    return INT64
