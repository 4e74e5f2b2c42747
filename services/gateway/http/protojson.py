"""Protobuf messages to JSON values and back, the REST way.

Money is `{"amount": <number>, "currency": "USD"}` with the amount as an exact Decimal;
decimal-string fields (percents, rates, quantities) become numbers; enums are their short
lower-case names ("aws", "running"), with UNSPECIFIED as null; timestamps are RFC 3339.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, cast

from costgrid.common.v1.money_pb2 import Money
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import InvalidArgument

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


def enum_number(enum: EnumDescriptor, name: str, field: str) -> int:
    value = enum.values_by_name.get(enum_prefix(enum) + name.upper())
    if value is None or value.number == 0:
        raise InvalidArgument(field, f"must be one of {', '.join(enum_choices(enum))}")
    return int(value.number)


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


# ---- proto -> JSON ----


def to_json(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in descriptor_of(message).fields:
        value = getattr(message, field.name)
        if _is_map(field):
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


def _is_map(field: FieldDescriptor) -> bool:
    return field.type == FieldDescriptor.TYPE_MESSAGE and message_type(field).GetOptions().map_entry


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
    if _is_map(field):
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
