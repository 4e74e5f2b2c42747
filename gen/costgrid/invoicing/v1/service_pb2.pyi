import datetime

from costgrid.common.v1 import date_range_pb2 as _date_range_pb2
from costgrid.common.v1 import money_pb2 as _money_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InvoiceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVOICE_STATUS_UNSPECIFIED: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_DRAFT: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_PENDING: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_PAID: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_OVERDUE: _ClassVar[InvoiceStatus]

class InvoiceSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVOICE_SOURCE_UNSPECIFIED: _ClassVar[InvoiceSource]
    INVOICE_SOURCE_CLOUD_COSTS: _ClassVar[InvoiceSource]
    INVOICE_SOURCE_METERING: _ClassVar[InvoiceSource]

class InvoiceSkipReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVOICE_SKIP_REASON_UNSPECIFIED: _ClassVar[InvoiceSkipReason]
    INVOICE_SKIP_REASON_NO_COST: _ClassVar[InvoiceSkipReason]
    INVOICE_SKIP_REASON_ALREADY_EXISTS: _ClassVar[InvoiceSkipReason]
    INVOICE_SKIP_REASON_ALREADY_PAID: _ClassVar[InvoiceSkipReason]
    INVOICE_SKIP_REASON_BEYOND_HISTORY_LIMIT: _ClassVar[InvoiceSkipReason]

class DocumentFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_FORMAT_UNSPECIFIED: _ClassVar[DocumentFormat]
    DOCUMENT_FORMAT_PDF: _ClassVar[DocumentFormat]
    DOCUMENT_FORMAT_CSV: _ClassVar[DocumentFormat]
INVOICE_STATUS_UNSPECIFIED: InvoiceStatus
INVOICE_STATUS_DRAFT: InvoiceStatus
INVOICE_STATUS_PENDING: InvoiceStatus
INVOICE_STATUS_PAID: InvoiceStatus
INVOICE_STATUS_OVERDUE: InvoiceStatus
INVOICE_SOURCE_UNSPECIFIED: InvoiceSource
INVOICE_SOURCE_CLOUD_COSTS: InvoiceSource
INVOICE_SOURCE_METERING: InvoiceSource
INVOICE_SKIP_REASON_UNSPECIFIED: InvoiceSkipReason
INVOICE_SKIP_REASON_NO_COST: InvoiceSkipReason
INVOICE_SKIP_REASON_ALREADY_EXISTS: InvoiceSkipReason
INVOICE_SKIP_REASON_ALREADY_PAID: InvoiceSkipReason
INVOICE_SKIP_REASON_BEYOND_HISTORY_LIMIT: InvoiceSkipReason
DOCUMENT_FORMAT_UNSPECIFIED: DocumentFormat
DOCUMENT_FORMAT_PDF: DocumentFormat
DOCUMENT_FORMAT_CSV: DocumentFormat

class Invoice(_message.Message):
    __slots__ = ("id", "number", "status", "source", "account_id", "tenant_id", "client_name", "period_year", "period_month", "period", "currency_code", "lines", "amount", "notes", "issue_date", "due_date", "paid_time", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_YEAR_FIELD_NUMBER: _ClassVar[int]
    PERIOD_MONTH_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    ISSUE_DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    PAID_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    number: str
    status: InvoiceStatus
    source: InvoiceSource
    account_id: int
    tenant_id: str
    client_name: str
    period_year: int
    period_month: int
    period: _date_range_pb2.DateRange
    currency_code: str
    lines: _containers.RepeatedCompositeFieldContainer[InvoiceLine]
    amount: _money_pb2.Money
    notes: str
    issue_date: str
    due_date: str
    paid_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., number: _Optional[str] = ..., status: _Optional[_Union[InvoiceStatus, str]] = ..., source: _Optional[_Union[InvoiceSource, str]] = ..., account_id: _Optional[int] = ..., tenant_id: _Optional[str] = ..., client_name: _Optional[str] = ..., period_year: _Optional[int] = ..., period_month: _Optional[int] = ..., period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., currency_code: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[InvoiceLine, _Mapping]]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., notes: _Optional[str] = ..., issue_date: _Optional[str] = ..., due_date: _Optional[str] = ..., paid_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InvoiceLine(_message.Message):
    __slots__ = ("description", "category", "quantity", "unit", "unit_price", "amount")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    description: str
    category: str
    quantity: str
    unit: str
    unit_price: str
    amount: _money_pb2.Money
    def __init__(self, description: _Optional[str] = ..., category: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., unit_price: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class InvoiceOutcome(_message.Message):
    __slots__ = ("account_id", "account_name", "period_year", "period_month", "invoice", "skip_reason", "detail")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_YEAR_FIELD_NUMBER: _ClassVar[int]
    PERIOD_MONTH_FIELD_NUMBER: _ClassVar[int]
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    account_name: str
    period_year: int
    period_month: int
    invoice: Invoice
    skip_reason: InvoiceSkipReason
    detail: str
    def __init__(self, account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., period_year: _Optional[int] = ..., period_month: _Optional[int] = ..., invoice: _Optional[_Union[Invoice, _Mapping]] = ..., skip_reason: _Optional[_Union[InvoiceSkipReason, str]] = ..., detail: _Optional[str] = ...) -> None: ...

class AccountBillingSettings(_message.Message):
    __slots__ = ("account_id", "markup_percent", "payment_terms_days", "client_name", "client_address")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    MARKUP_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_TERMS_DAYS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    markup_percent: str
    payment_terms_days: int
    client_name: str
    client_address: str
    def __init__(self, account_id: _Optional[int] = ..., markup_percent: _Optional[str] = ..., payment_terms_days: _Optional[int] = ..., client_name: _Optional[str] = ..., client_address: _Optional[str] = ...) -> None: ...

class IssuerProfile(_message.Message):
    __slots__ = ("name", "address", "email", "tax_id", "payment_instructions")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    TAX_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    name: str
    address: str
    email: str
    tax_id: str
    payment_instructions: str
    def __init__(self, name: _Optional[str] = ..., address: _Optional[str] = ..., email: _Optional[str] = ..., tax_id: _Optional[str] = ..., payment_instructions: _Optional[str] = ...) -> None: ...

class GenerateInvoicesRequest(_message.Message):
    __slots__ = ("year", "month", "overwrite")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    OVERWRITE_FIELD_NUMBER: _ClassVar[int]
    year: int
    month: int
    overwrite: bool
    def __init__(self, year: _Optional[int] = ..., month: _Optional[int] = ..., overwrite: _Optional[bool] = ...) -> None: ...

class GenerateInvoicesResponse(_message.Message):
    __slots__ = ("created", "updated", "skipped")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    created: _containers.RepeatedCompositeFieldContainer[InvoiceOutcome]
    updated: _containers.RepeatedCompositeFieldContainer[InvoiceOutcome]
    skipped: _containers.RepeatedCompositeFieldContainer[InvoiceOutcome]
    def __init__(self, created: _Optional[_Iterable[_Union[InvoiceOutcome, _Mapping]]] = ..., updated: _Optional[_Iterable[_Union[InvoiceOutcome, _Mapping]]] = ..., skipped: _Optional[_Iterable[_Union[InvoiceOutcome, _Mapping]]] = ...) -> None: ...

class GenerateHistoricalInvoicesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GenerateHistoricalInvoicesResponse(_message.Message):
    __slots__ = ("created", "updated", "skipped")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    created: _containers.RepeatedCompositeFieldContainer[InvoiceOutcome]
    updated: _containers.RepeatedCompositeFieldContainer[InvoiceOutcome]
    skipped: _containers.RepeatedCompositeFieldContainer[InvoiceOutcome]
    def __init__(self, created: _Optional[_Iterable[_Union[InvoiceOutcome, _Mapping]]] = ..., updated: _Optional[_Iterable[_Union[InvoiceOutcome, _Mapping]]] = ..., skipped: _Optional[_Iterable[_Union[InvoiceOutcome, _Mapping]]] = ...) -> None: ...

class GetInvoiceRequest(_message.Message):
    __slots__ = ("invoice_id",)
    INVOICE_ID_FIELD_NUMBER: _ClassVar[int]
    invoice_id: int
    def __init__(self, invoice_id: _Optional[int] = ...) -> None: ...

class GetInvoiceResponse(_message.Message):
    __slots__ = ("invoice",)
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    invoice: Invoice
    def __init__(self, invoice: _Optional[_Union[Invoice, _Mapping]] = ...) -> None: ...

class ListInvoicesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "account_id", "status", "period_year", "period_month")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_YEAR_FIELD_NUMBER: _ClassVar[int]
    PERIOD_MONTH_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    account_id: int
    status: InvoiceStatus
    period_year: int
    period_month: int
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., account_id: _Optional[int] = ..., status: _Optional[_Union[InvoiceStatus, str]] = ..., period_year: _Optional[int] = ..., period_month: _Optional[int] = ...) -> None: ...

class ListInvoicesResponse(_message.Message):
    __slots__ = ("invoices", "next_page_token")
    INVOICES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    invoices: _containers.RepeatedCompositeFieldContainer[Invoice]
    next_page_token: str
    def __init__(self, invoices: _Optional[_Iterable[_Union[Invoice, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateInvoiceRequest(_message.Message):
    __slots__ = ("invoice", "update_mask")
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    invoice: Invoice
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, invoice: _Optional[_Union[Invoice, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateInvoiceResponse(_message.Message):
    __slots__ = ("invoice",)
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    invoice: Invoice
    def __init__(self, invoice: _Optional[_Union[Invoice, _Mapping]] = ...) -> None: ...

class MarkInvoicePaidRequest(_message.Message):
    __slots__ = ("invoice_id", "paid_time")
    INVOICE_ID_FIELD_NUMBER: _ClassVar[int]
    PAID_TIME_FIELD_NUMBER: _ClassVar[int]
    invoice_id: int
    paid_time: _timestamp_pb2.Timestamp
    def __init__(self, invoice_id: _Optional[int] = ..., paid_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MarkInvoicePaidResponse(_message.Message):
    __slots__ = ("invoice",)
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    invoice: Invoice
    def __init__(self, invoice: _Optional[_Union[Invoice, _Mapping]] = ...) -> None: ...

class DeleteInvoiceRequest(_message.Message):
    __slots__ = ("invoice_id",)
    INVOICE_ID_FIELD_NUMBER: _ClassVar[int]
    invoice_id: int
    def __init__(self, invoice_id: _Optional[int] = ...) -> None: ...

class DeleteInvoiceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetInvoiceDocumentRequest(_message.Message):
    __slots__ = ("invoice_id", "format")
    INVOICE_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    invoice_id: int
    format: DocumentFormat
    def __init__(self, invoice_id: _Optional[int] = ..., format: _Optional[_Union[DocumentFormat, str]] = ...) -> None: ...

class GetInvoiceDocumentResponse(_message.Message):
    __slots__ = ("content", "content_type", "filename")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    content_type: str
    filename: str
    def __init__(self, content: _Optional[bytes] = ..., content_type: _Optional[str] = ..., filename: _Optional[str] = ...) -> None: ...

class SetAccountBillingSettingsRequest(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AccountBillingSettings
    def __init__(self, settings: _Optional[_Union[AccountBillingSettings, _Mapping]] = ...) -> None: ...

class SetAccountBillingSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AccountBillingSettings
    def __init__(self, settings: _Optional[_Union[AccountBillingSettings, _Mapping]] = ...) -> None: ...

class GetAccountBillingSettingsRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    def __init__(self, account_id: _Optional[int] = ...) -> None: ...

class GetAccountBillingSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AccountBillingSettings
    def __init__(self, settings: _Optional[_Union[AccountBillingSettings, _Mapping]] = ...) -> None: ...

class SetIssuerProfileRequest(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: IssuerProfile
    def __init__(self, profile: _Optional[_Union[IssuerProfile, _Mapping]] = ...) -> None: ...

class SetIssuerProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: IssuerProfile
    def __init__(self, profile: _Optional[_Union[IssuerProfile, _Mapping]] = ...) -> None: ...

class GetIssuerProfileRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIssuerProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: IssuerProfile
    def __init__(self, profile: _Optional[_Union[IssuerProfile, _Mapping]] = ...) -> None: ...
