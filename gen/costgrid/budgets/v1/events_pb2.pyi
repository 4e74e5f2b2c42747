import datetime

from costgrid.budgets.v1 import service_pb2 as _service_pb2
from costgrid.common.v1 import date_range_pb2 as _date_range_pb2
from costgrid.common.v1 import money_pb2 as _money_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BudgetThresholdCrossed(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "budget_id", "budget_name", "level", "basis", "spent", "amount", "percent", "period")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    BUDGET_ID_FIELD_NUMBER: _ClassVar[int]
    BUDGET_NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    SPENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    budget_id: int
    budget_name: str
    level: _service_pb2.BudgetAlertLevel
    basis: _service_pb2.BudgetAlertBasis
    spent: _money_pb2.Money
    amount: _money_pb2.Money
    percent: str
    period: _date_range_pb2.DateRange
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., budget_id: _Optional[int] = ..., budget_name: _Optional[str] = ..., level: _Optional[_Union[_service_pb2.BudgetAlertLevel, str]] = ..., basis: _Optional[_Union[_service_pb2.BudgetAlertBasis, str]] = ..., spent: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., percent: _Optional[str] = ..., period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ...) -> None: ...

class AnomalyDetected(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "anomaly")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    ANOMALY_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    anomaly: _service_pb2.Anomaly
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., anomaly: _Optional[_Union[_service_pb2.Anomaly, _Mapping]] = ...) -> None: ...
