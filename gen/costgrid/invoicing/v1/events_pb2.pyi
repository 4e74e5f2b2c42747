import datetime

from costgrid.common.v1 import money_pb2 as _money_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InvoiceIssued(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "invoice_id", "number", "account_id", "tenant_id", "client_name", "amount", "issue_date", "due_date")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    INVOICE_ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ISSUE_DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    invoice_id: int
    number: str
    account_id: int
    tenant_id: str
    client_name: str
    amount: _money_pb2.Money
    issue_date: str
    due_date: str
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., invoice_id: _Optional[int] = ..., number: _Optional[str] = ..., account_id: _Optional[int] = ..., tenant_id: _Optional[str] = ..., client_name: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., issue_date: _Optional[str] = ..., due_date: _Optional[str] = ...) -> None: ...

class InvoiceOverdue(_message.Message):
    __slots__ = ("event_id", "org_id", "occurred_at", "invoice_id", "number", "account_id", "tenant_id", "client_name", "amount", "due_date", "days_overdue")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    INVOICE_ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    DAYS_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    org_id: str
    occurred_at: _timestamp_pb2.Timestamp
    invoice_id: int
    number: str
    account_id: int
    tenant_id: str
    client_name: str
    amount: _money_pb2.Money
    due_date: str
    days_overdue: int
    def __init__(self, event_id: _Optional[str] = ..., org_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., invoice_id: _Optional[int] = ..., number: _Optional[str] = ..., account_id: _Optional[int] = ..., tenant_id: _Optional[str] = ..., client_name: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., due_date: _Optional[str] = ..., days_overdue: _Optional[int] = ...) -> None: ...
