import datetime

from costgrid.common.v1 import date_range_pb2 as _date_range_pb2
from costgrid.common.v1 import money_pb2 as _money_pb2
from costgrid.common.v1 import provider_pb2 as _provider_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CostsUpdated(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "account_id", "account_name", "provider", "window_start", "window_end", "daily_costs")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    DAILY_COSTS_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    account_id: int
    account_name: str
    provider: _provider_pb2.Provider
    window_start: str
    window_end: str
    daily_costs: _containers.RepeatedCompositeFieldContainer[DailyCost]
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., window_start: _Optional[str] = ..., window_end: _Optional[str] = ..., daily_costs: _Optional[_Iterable[_Union[DailyCost, _Mapping]]] = ...) -> None: ...

class DailyCost(_message.Message):
    __slots__ = ("date", "service", "region", "amount")
    DATE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    date: str
    service: str
    region: str
    amount: _money_pb2.Money
    def __init__(self, date: _Optional[str] = ..., service: _Optional[str] = ..., region: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class SyncCompleted(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "job_id", "account_id", "account_name", "provider", "window", "rows")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    job_id: int
    account_id: int
    account_name: str
    provider: _provider_pb2.Provider
    window: _date_range_pb2.DateRange
    rows: int
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., job_id: _Optional[int] = ..., account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., window: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., rows: _Optional[int] = ...) -> None: ...

class SyncFailed(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "job_id", "account_id", "account_name", "provider", "window", "reason", "message")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    job_id: int
    account_id: int
    account_name: str
    provider: _provider_pb2.Provider
    window: _date_range_pb2.DateRange
    reason: str
    message: str
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., job_id: _Optional[int] = ..., account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., window: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class CloudAccountDeleted(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "account_id", "account_name", "provider")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    account_id: int
    account_name: str
    provider: _provider_pb2.Provider
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ...) -> None: ...
