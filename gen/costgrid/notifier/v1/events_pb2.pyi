import datetime

from costgrid.notifier.v1 import service_pb2 as _service_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationDeadLettered(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "delivery_id", "rule_id", "channel_id", "channel_type", "trigger_type", "source_event_id", "attempts", "last_error", "last_response_code")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_TYPE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_RESPONSE_CODE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    delivery_id: int
    rule_id: int
    channel_id: int
    channel_type: _service_pb2.ChannelType
    trigger_type: _service_pb2.TriggerType
    source_event_id: str
    attempts: int
    last_error: str
    last_response_code: int
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delivery_id: _Optional[int] = ..., rule_id: _Optional[int] = ..., channel_id: _Optional[int] = ..., channel_type: _Optional[_Union[_service_pb2.ChannelType, str]] = ..., trigger_type: _Optional[_Union[_service_pb2.TriggerType, str]] = ..., source_event_id: _Optional[str] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., last_response_code: _Optional[int] = ...) -> None: ...
