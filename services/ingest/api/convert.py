"""Cloud accounts between the contract's messages and plain values (both directions)."""

from __future__ import annotations

from typing import Any

from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import service_pb2 as pb
from google.protobuf import json_format
from google.protobuf.message import Message

from services.common.errors import InvalidArgument
from services.common.wire import timestamp_proto as _timestamp
from services.ingest.domain.accounts import SETTINGS_KEY, AccountSpec
from services.ingest.repository.accounts import AccountRow

_PREFIX = "PROVIDER_"


def provider_name(
    value: provider_pb2.Provider.ValueType, field: str, allow_unspecified: bool = False
) -> str | None:
    if value == provider_pb2.PROVIDER_UNSPECIFIED:
        if allow_unspecified:
            return None
        raise InvalidArgument(field, "is required (AWS, GCP, AZURE, DIGITALOCEAN or FOCUS_FILE)")
    try:
        return provider_pb2.Provider.Name(value).removeprefix(_PREFIX)
    except ValueError:
        raise InvalidArgument(field, f"unknown provider {value}") from None


def provider_enum(name: str) -> provider_pb2.Provider.ValueType:
    return provider_pb2.Provider.Value(_PREFIX + name)


def _as_dict(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def settings_of(settings: pb.CloudAccountSettings, provider: str, field: str) -> dict[str, Any]:
    """The provider's settings as a dict; settings of another provider are the caller's error."""
    return _provider_part(settings, "provider_settings", provider, field)


def credentials_of(
    credentials: pb.CloudAccountCredentials, provider: str, field: str
) -> dict[str, str]:
    part = _provider_part(credentials, "provider_credentials", provider, field)
    return {k: str(v) for k, v in part.items()}


def _provider_part(message: Message, oneof: str, provider: str, field: str) -> dict[str, Any]:
    which = message.WhichOneof(oneof)
    expected = SETTINGS_KEY[provider]
    if which is None:
        return {}
    if which != expected:
        raise InvalidArgument(
            f"{field}.{which}", f"does not match provider {provider}; set {field}.{expected}"
        )
    return _as_dict(getattr(message, which))


def spec_of(account: pb.CloudAccount, field: str = "cloud_account") -> AccountSpec:
    provider = provider_name(account.provider, f"{field}.provider")
    assert provider is not None
    return AccountSpec(
        provider=provider,
        name=account.name,
        settings=settings_of(account.settings, provider, f"{field}.settings"),
        endpoint=account.endpoint.strip(),
    )


def to_proto(row: AccountRow) -> pb.CloudAccount:
    """Never the credentials: only whether there are some."""
    settings = pb.CloudAccountSettings()
    key = SETTINGS_KEY[row.provider]
    json_format.ParseDict(row.settings, getattr(settings, key), ignore_unknown_fields=True)
    if not row.settings:
        getattr(settings, key).SetInParent()
    return pb.CloudAccount(
        id=row.id,
        name=row.name,
        provider=provider_enum(row.provider),
        settings=settings,
        endpoint=row.endpoint,
        active=row.active,
        has_credentials=row.has_credentials,
        create_time=_timestamp(row.created_at),
        update_time=_timestamp(row.updated_at),
        last_sync_time=_timestamp(row.last_synced_at),
        demo=row.demo,
        archived=row.archived,
        archive_time=_timestamp(row.archived_at),
    )
