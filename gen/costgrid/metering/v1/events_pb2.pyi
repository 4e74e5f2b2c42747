import datetime

from costgrid.metering.v1 import service_pb2 as _service_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UsageBatch(_message.Message):
    __slots__ = ("org_id", "events", "columns")
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    org_id: str
    events: _containers.RepeatedCompositeFieldContainer[_service_pb2.UsageEvent]
    columns: _service_pb2.UsageColumns
    def __init__(self, org_id: _Optional[str] = ..., events: _Optional[_Iterable[_Union[_service_pb2.UsageEvent, _Mapping]]] = ..., columns: _Optional[_Union[_service_pb2.UsageColumns, _Mapping]] = ...) -> None: ...

class PeriodClosed(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "statement")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    statement: _service_pb2.Statement
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., statement: _Optional[_Union[_service_pb2.Statement, _Mapping]] = ...) -> None: ...

class AllowanceReached(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "tenant_id", "tenant_name", "period", "usage")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_NAME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    tenant_id: str
    tenant_name: str
    period: str
    usage: _service_pb2.AllowanceUsage
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., tenant_id: _Optional[str] = ..., tenant_name: _Optional[str] = ..., period: _Optional[str] = ..., usage: _Optional[_Union[_service_pb2.AllowanceUsage, _Mapping]] = ...) -> None: ...
