import datetime

from costgrid.common.v1 import money_pb2 as _money_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OveragePolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OVERAGE_POLICY_UNSPECIFIED: _ClassVar[OveragePolicy]
    OVERAGE_POLICY_ENFORCED: _ClassVar[OveragePolicy]
    OVERAGE_POLICY_ALLOWED: _ClassVar[OveragePolicy]

class UsageEventOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    USAGE_EVENT_OUTCOME_UNSPECIFIED: _ClassVar[UsageEventOutcome]
    USAGE_EVENT_OUTCOME_ACCEPTED: _ClassVar[UsageEventOutcome]
    USAGE_EVENT_OUTCOME_DUPLICATE: _ClassVar[UsageEventOutcome]
    USAGE_EVENT_OUTCOME_REJECTED: _ClassVar[UsageEventOutcome]

class StatementCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATEMENT_CATEGORY_UNSPECIFIED: _ClassVar[StatementCategory]
    STATEMENT_CATEGORY_BASE_FEE: _ClassVar[StatementCategory]
    STATEMENT_CATEGORY_CPU: _ClassVar[StatementCategory]
    STATEMENT_CATEGORY_MEMORY: _ClassVar[StatementCategory]
    STATEMENT_CATEGORY_STORAGE: _ClassVar[StatementCategory]
    STATEMENT_CATEGORY_METRICS_OVERAGE: _ClassVar[StatementCategory]
    STATEMENT_CATEGORY_LOGS_OVERAGE: _ClassVar[StatementCategory]
    STATEMENT_CATEGORY_CREDITS: _ClassVar[StatementCategory]
OVERAGE_POLICY_UNSPECIFIED: OveragePolicy
OVERAGE_POLICY_ENFORCED: OveragePolicy
OVERAGE_POLICY_ALLOWED: OveragePolicy
USAGE_EVENT_OUTCOME_UNSPECIFIED: UsageEventOutcome
USAGE_EVENT_OUTCOME_ACCEPTED: UsageEventOutcome
USAGE_EVENT_OUTCOME_DUPLICATE: UsageEventOutcome
USAGE_EVENT_OUTCOME_REJECTED: UsageEventOutcome
STATEMENT_CATEGORY_UNSPECIFIED: StatementCategory
STATEMENT_CATEGORY_BASE_FEE: StatementCategory
STATEMENT_CATEGORY_CPU: StatementCategory
STATEMENT_CATEGORY_MEMORY: StatementCategory
STATEMENT_CATEGORY_STORAGE: StatementCategory
STATEMENT_CATEGORY_METRICS_OVERAGE: StatementCategory
STATEMENT_CATEGORY_LOGS_OVERAGE: StatementCategory
STATEMENT_CATEGORY_CREDITS: StatementCategory

class MeterRate(_message.Message):
    __slots__ = ("meter", "unit", "rate")
    METER_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    meter: str
    unit: str
    rate: str
    def __init__(self, meter: _Optional[str] = ..., unit: _Optional[str] = ..., rate: _Optional[str] = ...) -> None: ...

class PriceBook(_message.Message):
    __slots__ = ("id", "name", "version", "effective_from", "currency_code", "rates", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    RATES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    version: int
    effective_from: str
    currency_code: str
    rates: _containers.RepeatedCompositeFieldContainer[MeterRate]
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., version: _Optional[int] = ..., effective_from: _Optional[str] = ..., currency_code: _Optional[str] = ..., rates: _Optional[_Iterable[_Union[MeterRate, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Plan(_message.Message):
    __slots__ = ("id", "name", "price_book_name", "metrics_series_allowance", "logs_bytes_allowance", "base_fee", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRICE_BOOK_NAME_FIELD_NUMBER: _ClassVar[int]
    METRICS_SERIES_ALLOWANCE_FIELD_NUMBER: _ClassVar[int]
    LOGS_BYTES_ALLOWANCE_FIELD_NUMBER: _ClassVar[int]
    BASE_FEE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    price_book_name: str
    metrics_series_allowance: int
    logs_bytes_allowance: int
    base_fee: _money_pb2.Money
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., price_book_name: _Optional[str] = ..., metrics_series_allowance: _Optional[int] = ..., logs_bytes_allowance: _Optional[int] = ..., base_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Subscription(_message.Message):
    __slots__ = ("plan_id", "plan_name", "start_time", "end_time")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    plan_id: int
    plan_name: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, plan_id: _Optional[int] = ..., plan_name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Tenant(_message.Message):
    __slots__ = ("id", "name", "overage_policy", "plan_id", "subscriptions", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OVERAGE_POLICY_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    overage_policy: OveragePolicy
    plan_id: int
    subscriptions: _containers.RepeatedCompositeFieldContainer[Subscription]
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., overage_policy: _Optional[_Union[OveragePolicy, str]] = ..., plan_id: _Optional[int] = ..., subscriptions: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Credit(_message.Message):
    __slots__ = ("id", "tenant_id", "amount", "remaining", "expire_time", "reason", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    tenant_id: str
    amount: _money_pb2.Money
    remaining: _money_pb2.Money
    expire_time: _timestamp_pb2.Timestamp
    reason: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., tenant_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., remaining: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePriceBookRequest(_message.Message):
    __slots__ = ("request_id", "price_book")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_BOOK_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    price_book: PriceBook
    def __init__(self, request_id: _Optional[str] = ..., price_book: _Optional[_Union[PriceBook, _Mapping]] = ...) -> None: ...

class CreatePriceBookResponse(_message.Message):
    __slots__ = ("price_book",)
    PRICE_BOOK_FIELD_NUMBER: _ClassVar[int]
    price_book: PriceBook
    def __init__(self, price_book: _Optional[_Union[PriceBook, _Mapping]] = ...) -> None: ...

class ListPriceBooksRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "name")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    name: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ListPriceBooksResponse(_message.Message):
    __slots__ = ("price_books", "next_page_token")
    PRICE_BOOKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    price_books: _containers.RepeatedCompositeFieldContainer[PriceBook]
    next_page_token: str
    def __init__(self, price_books: _Optional[_Iterable[_Union[PriceBook, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreatePlanRequest(_message.Message):
    __slots__ = ("request_id", "plan")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    plan: Plan
    def __init__(self, request_id: _Optional[str] = ..., plan: _Optional[_Union[Plan, _Mapping]] = ...) -> None: ...

class CreatePlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: Plan
    def __init__(self, plan: _Optional[_Union[Plan, _Mapping]] = ...) -> None: ...

class ListPlansRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPlansResponse(_message.Message):
    __slots__ = ("plans", "next_page_token")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[Plan]
    next_page_token: str
    def __init__(self, plans: _Optional[_Iterable[_Union[Plan, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetPlanRequest(_message.Message):
    __slots__ = ("plan_id",)
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    plan_id: int
    def __init__(self, plan_id: _Optional[int] = ...) -> None: ...

class GetPlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: Plan
    def __init__(self, plan: _Optional[_Union[Plan, _Mapping]] = ...) -> None: ...

class CreateTenantRequest(_message.Message):
    __slots__ = ("request_id", "tenant", "plan_id", "start_time")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    tenant: Tenant
    plan_id: int
    start_time: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., tenant: _Optional[_Union[Tenant, _Mapping]] = ..., plan_id: _Optional[int] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateTenantResponse(_message.Message):
    __slots__ = ("tenant",)
    TENANT_FIELD_NUMBER: _ClassVar[int]
    tenant: Tenant
    def __init__(self, tenant: _Optional[_Union[Tenant, _Mapping]] = ...) -> None: ...

class GetTenantRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetTenantResponse(_message.Message):
    __slots__ = ("tenant",)
    TENANT_FIELD_NUMBER: _ClassVar[int]
    tenant: Tenant
    def __init__(self, tenant: _Optional[_Union[Tenant, _Mapping]] = ...) -> None: ...

class ListTenantsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTenantsResponse(_message.Message):
    __slots__ = ("tenants", "next_page_token")
    TENANTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenants: _containers.RepeatedCompositeFieldContainer[Tenant]
    next_page_token: str
    def __init__(self, tenants: _Optional[_Iterable[_Union[Tenant, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ChangeSubscriptionRequest(_message.Message):
    __slots__ = ("tenant_id", "plan_id", "effective_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    plan_id: int
    effective_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., plan_id: _Optional[int] = ..., effective_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChangeSubscriptionResponse(_message.Message):
    __slots__ = ("tenant",)
    TENANT_FIELD_NUMBER: _ClassVar[int]
    tenant: Tenant
    def __init__(self, tenant: _Optional[_Union[Tenant, _Mapping]] = ...) -> None: ...

class AddCreditRequest(_message.Message):
    __slots__ = ("request_id", "tenant_id", "amount", "expire_time", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    tenant_id: str
    amount: _money_pb2.Money
    expire_time: _timestamp_pb2.Timestamp
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class AddCreditResponse(_message.Message):
    __slots__ = ("credit",)
    CREDIT_FIELD_NUMBER: _ClassVar[int]
    credit: Credit
    def __init__(self, credit: _Optional[_Union[Credit, _Mapping]] = ...) -> None: ...

class ListCreditsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "tenant_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    tenant_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., tenant_id: _Optional[str] = ...) -> None: ...

class ListCreditsResponse(_message.Message):
    __slots__ = ("credits", "next_page_token")
    CREDITS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    credits: _containers.RepeatedCompositeFieldContainer[Credit]
    next_page_token: str
    def __init__(self, credits: _Optional[_Iterable[_Union[Credit, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UsageEvent(_message.Message):
    __slots__ = ("id", "tenant_id", "cluster_id", "meter", "quantity", "unit", "effective_time", "sample_time", "attributes")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_ID_FIELD_NUMBER: _ClassVar[int]
    METER_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    cluster_id: str
    meter: str
    quantity: str
    unit: str
    effective_time: _timestamp_pb2.Timestamp
    sample_time: _timestamp_pb2.Timestamp
    attributes: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., cluster_id: _Optional[str] = ..., meter: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., effective_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sample_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class UsageEventResult(_message.Message):
    __slots__ = ("event_id", "outcome", "reject_reason", "message")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    outcome: UsageEventOutcome
    reject_reason: str
    message: str
    def __init__(self, event_id: _Optional[str] = ..., outcome: _Optional[_Union[UsageEventOutcome, str]] = ..., reject_reason: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class RecordUsageRequest(_message.Message):
    __slots__ = ("events", "columns")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[UsageEvent]
    columns: UsageColumns
    def __init__(self, events: _Optional[_Iterable[_Union[UsageEvent, _Mapping]]] = ..., columns: _Optional[_Union[UsageColumns, _Mapping]] = ...) -> None: ...

class UsageColumns(_message.Message):
    __slots__ = ("ids", "tenant_ids", "cluster_ids", "meters", "quantities", "units", "time_seconds")
    IDS_FIELD_NUMBER: _ClassVar[int]
    TENANT_IDS_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_IDS_FIELD_NUMBER: _ClassVar[int]
    METERS_FIELD_NUMBER: _ClassVar[int]
    QUANTITIES_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    TIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    tenant_ids: _containers.RepeatedScalarFieldContainer[str]
    cluster_ids: _containers.RepeatedScalarFieldContainer[str]
    meters: _containers.RepeatedScalarFieldContainer[str]
    quantities: _containers.RepeatedScalarFieldContainer[str]
    units: _containers.RepeatedScalarFieldContainer[str]
    time_seconds: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., tenant_ids: _Optional[_Iterable[str]] = ..., cluster_ids: _Optional[_Iterable[str]] = ..., meters: _Optional[_Iterable[str]] = ..., quantities: _Optional[_Iterable[str]] = ..., units: _Optional[_Iterable[str]] = ..., time_seconds: _Optional[_Iterable[int]] = ...) -> None: ...

class RecordUsageResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[UsageEventResult]
    def __init__(self, results: _Optional[_Iterable[_Union[UsageEventResult, _Mapping]]] = ...) -> None: ...

class AllowanceUsage(_message.Message):
    __slots__ = ("meter", "allowance", "used", "percent")
    METER_FIELD_NUMBER: _ClassVar[int]
    ALLOWANCE_FIELD_NUMBER: _ClassVar[int]
    USED_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    meter: str
    allowance: str
    used: str
    percent: str
    def __init__(self, meter: _Optional[str] = ..., allowance: _Optional[str] = ..., used: _Optional[str] = ..., percent: _Optional[str] = ...) -> None: ...

class ComputeCharge(_message.Message):
    __slots__ = ("meter", "quantity", "unit", "amount")
    METER_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    meter: str
    quantity: str
    unit: str
    amount: _money_pb2.Money
    def __init__(self, meter: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class GetCurrentEstimateRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetCurrentEstimateResponse(_message.Message):
    __slots__ = ("tenant_id", "period", "period_start", "period_end", "as_of_time", "compute", "base_fee", "metrics_overage", "logs_overage", "credits_applied", "total", "allowances", "overage_allowed", "plan_windows")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    AS_OF_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_FIELD_NUMBER: _ClassVar[int]
    BASE_FEE_FIELD_NUMBER: _ClassVar[int]
    METRICS_OVERAGE_FIELD_NUMBER: _ClassVar[int]
    LOGS_OVERAGE_FIELD_NUMBER: _ClassVar[int]
    CREDITS_APPLIED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    ALLOWANCES_FIELD_NUMBER: _ClassVar[int]
    OVERAGE_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    PLAN_WINDOWS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    period: str
    period_start: _timestamp_pb2.Timestamp
    period_end: _timestamp_pb2.Timestamp
    as_of_time: _timestamp_pb2.Timestamp
    compute: _containers.RepeatedCompositeFieldContainer[ComputeCharge]
    base_fee: _money_pb2.Money
    metrics_overage: _money_pb2.Money
    logs_overage: _money_pb2.Money
    credits_applied: _money_pb2.Money
    total: _money_pb2.Money
    allowances: _containers.RepeatedCompositeFieldContainer[AllowanceUsage]
    overage_allowed: bool
    plan_windows: _containers.RepeatedCompositeFieldContainer[Subscription]
    def __init__(self, tenant_id: _Optional[str] = ..., period: _Optional[str] = ..., period_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., as_of_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., compute: _Optional[_Iterable[_Union[ComputeCharge, _Mapping]]] = ..., base_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., metrics_overage: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., logs_overage: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., credits_applied: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., allowances: _Optional[_Iterable[_Union[AllowanceUsage, _Mapping]]] = ..., overage_allowed: _Optional[bool] = ..., plan_windows: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ...) -> None: ...

class MeterUsage(_message.Message):
    __slots__ = ("meter", "unit", "quantity")
    METER_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    meter: str
    unit: str
    quantity: str
    def __init__(self, meter: _Optional[str] = ..., unit: _Optional[str] = ..., quantity: _Optional[str] = ...) -> None: ...

class DailyUsage(_message.Message):
    __slots__ = ("date", "meters")
    DATE_FIELD_NUMBER: _ClassVar[int]
    METERS_FIELD_NUMBER: _ClassVar[int]
    date: str
    meters: _containers.RepeatedCompositeFieldContainer[MeterUsage]
    def __init__(self, date: _Optional[str] = ..., meters: _Optional[_Iterable[_Union[MeterUsage, _Mapping]]] = ...) -> None: ...

class GetUsageRequest(_message.Message):
    __slots__ = ("tenant_id", "period")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    period: str
    def __init__(self, tenant_id: _Optional[str] = ..., period: _Optional[str] = ...) -> None: ...

class GetUsageResponse(_message.Message):
    __slots__ = ("tenant_id", "period", "totals", "daily", "allowances")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    DAILY_FIELD_NUMBER: _ClassVar[int]
    ALLOWANCES_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    period: str
    totals: _containers.RepeatedCompositeFieldContainer[MeterUsage]
    daily: _containers.RepeatedCompositeFieldContainer[DailyUsage]
    allowances: _containers.RepeatedCompositeFieldContainer[AllowanceUsage]
    def __init__(self, tenant_id: _Optional[str] = ..., period: _Optional[str] = ..., totals: _Optional[_Iterable[_Union[MeterUsage, _Mapping]]] = ..., daily: _Optional[_Iterable[_Union[DailyUsage, _Mapping]]] = ..., allowances: _Optional[_Iterable[_Union[AllowanceUsage, _Mapping]]] = ...) -> None: ...

class StatementLine(_message.Message):
    __slots__ = ("category", "description", "quantity", "unit", "rate", "amount")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    category: StatementCategory
    description: str
    quantity: str
    unit: str
    rate: str
    amount: _money_pb2.Money
    def __init__(self, category: _Optional[_Union[StatementCategory, str]] = ..., description: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., rate: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Statement(_message.Message):
    __slots__ = ("id", "tenant_id", "tenant_name", "period", "period_start", "period_end", "currency_code", "lines", "total", "close_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_NAME_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    tenant_id: str
    tenant_name: str
    period: str
    period_start: _timestamp_pb2.Timestamp
    period_end: _timestamp_pb2.Timestamp
    currency_code: str
    lines: _containers.RepeatedCompositeFieldContainer[StatementLine]
    total: _money_pb2.Money
    close_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., tenant_id: _Optional[str] = ..., tenant_name: _Optional[str] = ..., period: _Optional[str] = ..., period_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_end: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., currency_code: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[StatementLine, _Mapping]]] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ClosePeriodRequest(_message.Message):
    __slots__ = ("tenant_id", "period")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    period: str
    def __init__(self, tenant_id: _Optional[str] = ..., period: _Optional[str] = ...) -> None: ...

class ClosePeriodResponse(_message.Message):
    __slots__ = ("statement", "already_closed")
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    ALREADY_CLOSED_FIELD_NUMBER: _ClassVar[int]
    statement: Statement
    already_closed: bool
    def __init__(self, statement: _Optional[_Union[Statement, _Mapping]] = ..., already_closed: _Optional[bool] = ...) -> None: ...

class ListStatementsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "tenant_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    tenant_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., tenant_id: _Optional[str] = ...) -> None: ...

class ListStatementsResponse(_message.Message):
    __slots__ = ("statements", "next_page_token")
    STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    statements: _containers.RepeatedCompositeFieldContainer[Statement]
    next_page_token: str
    def __init__(self, statements: _Optional[_Iterable[_Union[Statement, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetStatementRequest(_message.Message):
    __slots__ = ("statement_id",)
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    statement_id: int
    def __init__(self, statement_id: _Optional[int] = ...) -> None: ...

class GetStatementResponse(_message.Message):
    __slots__ = ("statement",)
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    statement: Statement
    def __init__(self, statement: _Optional[_Union[Statement, _Mapping]] = ...) -> None: ...
