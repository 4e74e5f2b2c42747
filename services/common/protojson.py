"""Protobuf messages as JSON values, the REST API's way, for every face that speaks it (the
gateway's responses, webhook payloads).

Money is `{"amount": <Decimal>, "currency": "USD"}`; decimal-string fields (percents, rates,
quantities) become Decimals; enums are their short lower-case names ("aws", "critical"), with
UNSPECIFIED as None; int64 ids stay ints; timestamps are RFC 3339. `decimal_json.dumps` writes
the Decimals as exact JSON numbers.
"""

from __future__ import annotations

import base64
from datetime import UTC
from decimal import Decimal
from functools import cache
from typing import Any, cast

from costgrid.common.v1.money_pb2 import Money
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

MONEY = "costgrid.common.v1.Money"
TIMESTAMP = "google.protobuf.Timestamp"
FIELD_MASK = "google.protobuf.FieldMask"
# String fields that hold decimal numbers (the wire keeps them as strings, never floats).
DECIMAL_FIELDS = frozenset(
    {
        "mom_change_percent",
        "percent",
        "alert_threshold_percent",
        "percent_used",
        "impact_percent",
        "contribution_percent",
        "min_impact_amount",
        "min_impact_percent",
        "confidence_level",
        "markup_percent",
        "quantity",
        "unit_price",
        "rate",
        "allowance",
        "used",
    }
)


@cache
def enum_prefix(enum: EnumDescriptor) -> str:
    names = [value.name for value in enum.values]
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("_") + 1]


def enum_choices(enum: EnumDescriptor) -> tuple[str, ...]:
    cut = len(enum_prefix(enum))
    return tuple(v.name[cut:].lower() for v in enum.values if v.number != 0)


def enum_name(enum: EnumDescriptor, number: int) -> str | None:
    if number == 0:
        return None
    value = enum.values_by_number.get(number)
    return value.name[len(enum_prefix(enum)) :].lower() if value else str(number)


def decimal_of(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def money(message: Money) -> dict[str, Any]:
    return {"amount": Decimal(message.amount or "0"), "currency": message.currency_code}


def timestamp(message: Timestamp) -> str:
    return message.ToDatetime(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def descriptor_of(message: Message | type[Message]) -> Descriptor:
    # The stubs type DESCRIPTOR as the pure-Python or the upb class; both have this API.
    return cast(Descriptor, message.DESCRIPTOR)


def message_type(field: FieldDescriptor) -> Descriptor:
    """The message type of a TYPE_MESSAGE field (the stubs allow None for other types)."""
    if field.message_type is None:
        raise TypeError(f"field {field.full_name} is not a message field")
    return field.message_type


def enum_type(field: FieldDescriptor) -> EnumDescriptor:
    """The enum type of a TYPE_ENUM field (the stubs allow None for other types)."""
    if field.enum_type is None:
        raise TypeError(f"field {field.full_name} is not an enum field")
    return field.enum_type


def to_json(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in descriptor_of(message).fields:
        value = getattr(message, field.name)
        if is_map(field):
            value_field = message_type(field).fields_by_name["value"]
            out[field.name] = {k: _scalar_out(value_field, v) for k, v in value.items()}
        elif field.is_repeated:
            out[field.name] = [_value_out(field, item) for item in value]
        elif field.type == FieldDescriptor.TYPE_MESSAGE or field.containing_oneof is not None:
            out[field.name] = _value_out(field, value) if message.HasField(field.name) else None
        else:
            out[field.name] = _value_out(field, value)
    return out


def _value_out(field: FieldDescriptor, value: Any) -> Any:
    if field.type != FieldDescriptor.TYPE_MESSAGE:
        return _scalar_out(field, value)
    name = message_type(field).full_name
    if name == MONEY:
        return money(value)
    if name == TIMESTAMP:
        return timestamp(value)
    if name == FIELD_MASK:
        return list(value.paths)
    return to_json(value)


def _scalar_out(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_name(enum_type(field), value)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return base64.b64encode(value).decode()
    if field.type == FieldDescriptor.TYPE_STRING and field.name in DECIMAL_FIELDS:
        return decimal_of(value)
    return value


def is_map(field: FieldDescriptor) -> bool:
    return field.type == FieldDescriptor.TYPE_MESSAGE and message_type(field).GetOptions().map_entry
