"""JSON request bodies into protobuf messages, the REST way; the other direction (responses)
is services.common.protojson, shared with webhook payloads and re-exported here.

Money is `{"amount": <number>, "currency": "USD"}` with the amount as an exact Decimal;
decimal-string fields (percents, rates, quantities) become numbers; enums are their short
lower-case names ("aws", "running"), with UNSPECIFIED as null; timestamps are RFC 3339.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from costgrid.common.v1.money_pb2 import Money
from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import InvalidArgument

# Responses are built by the shared half; the routes and schemas read it through this module.
from services.common.protojson import (
    DECIMAL_FIELDS,
    FIELD_MASK,
    MONEY,
    TIMESTAMP,
    decimal_of,
    descriptor_of,
    enum_choices,
    enum_name,
    enum_prefix,
    enum_type,
    is_map,
    message_type,
    money,
    timestamp,
    to_json,
)

__all__ = [
    "DECIMAL_FIELDS",
    "FIELD_MASK",
    "MONEY",
    "TIMESTAMP",
    "decimal_of",
    "decimal_text",
    "descriptor_of",
    "enum_choices",
    "enum_name",
    "enum_number",
    "enum_prefix",
    "enum_type",
    "from_json",
    "is_map",
    "message_type",
    "money",
    "timestamp",
    "timestamp_in",
    "to_json",
]


def enum_number(enum: EnumDescriptor, name: str, field: str) -> int:
    value = enum.values_by_name.get(enum_prefix(enum) + name.upper())
    if value is None or value.number == 0:
        raise InvalidArgument(field, f"must be one of {', '.join(enum_choices(enum))}")
    return int(value.number)


# ---- JSON -> proto ----


def from_json(data: dict[str, Any], message: Message, path: str = "") -> Message:
    """Fills `message` from validated JSON values; a bad value is INVALID_ARGUMENT naming it."""
    descriptor = descriptor_of(message)
    seen_oneofs: dict[str, str] = {}
    for key, value in data.items():
        name = f"{path}{key}"
        field = descriptor.fields_by_name.get(key)
        if field is None:
            raise InvalidArgument(name, "is not a known field")
        if value is None:
            continue
        if field.containing_oneof is not None:
            other = seen_oneofs.setdefault(field.containing_oneof.name, key)
            if other != key:
                raise InvalidArgument(name, f"cannot be set together with '{path}{other}'")
        try:
            _set(message, field, value, name)
        except (ValueError, TypeError, OverflowError) as exc:
            raise InvalidArgument(name, f"is not a valid value ({exc})") from exc
    return message


def _set(message: Message, field: FieldDescriptor, value: Any, name: str) -> None:
    if is_map(field):
        target = getattr(message, field.name)
        for key, item in dict(value).items():
            target[_text(key, name)] = _text(item, f"{name}.{key}")
    elif field.is_repeated:
        target = getattr(message, field.name)
        for index, item in enumerate(value):
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                _fill(target.add(), field, item, f"{name}[{index}]")
            else:
                target.append(_scalar_in(field, item, f"{name}[{index}]"))
    elif field.type == FieldDescriptor.TYPE_MESSAGE:
        _fill(getattr(message, field.name), field, value, name)
    else:
        setattr(message, field.name, _scalar_in(field, value, name))


def _fill(target: Message, field: FieldDescriptor, value: Any, name: str) -> None:
    full = message_type(field).full_name
    if full == MONEY:
        amount = cast(Money, target)  # the full name says which generated class it is
        amount.currency_code = _text(value.get("currency") or "", f"{name}.currency")
        if value.get("amount") is not None:
            amount.amount = decimal_text(value["amount"], f"{name}.amount")
    elif full == TIMESTAMP:
        target.CopyFrom(timestamp_in(value, name))
    else:
        target.SetInParent()
        from_json(dict(value), target, f"{name}.")


def _scalar_in(field: FieldDescriptor, value: Any, name: str) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_number(enum_type(field), str(value), name)
    if field.type == FieldDescriptor.TYPE_STRING:
        if field.name in DECIMAL_FIELDS:
            return decimal_text(value, name)
        return _text(value, name)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return bool(value)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return base64.b64decode(value)
    return int(value)


def _text(value: Any, name: str) -> str:
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidArgument(name, "is not valid UTF-8 text") from exc
    return text


def decimal_text(value: Any, name: str) -> str:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidArgument(name, "is not a decimal number") from exc
    if not number.is_finite():
        raise InvalidArgument(name, "is not a finite decimal number")
    return format(number, "f")


def timestamp_in(value: Any, name: str) -> Timestamp:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    stamp = Timestamp()
    try:
        stamp.FromDatetime(moment.astimezone(UTC))
    except (ValueError, OverflowError) as exc:
        raise InvalidArgument(name, "is not a valid time") from exc
    return stamp
