import datetime

from costgrid.common.v1 import date_range_pb2 as _date_range_pb2
from costgrid.common.v1 import money_pb2 as _money_pb2
from costgrid.common.v1 import provider_pb2 as _provider_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BudgetPeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUDGET_PERIOD_UNSPECIFIED: _ClassVar[BudgetPeriod]
    BUDGET_PERIOD_MONTHLY: _ClassVar[BudgetPeriod]
    BUDGET_PERIOD_QUARTERLY: _ClassVar[BudgetPeriod]
    BUDGET_PERIOD_YEARLY: _ClassVar[BudgetPeriod]

class BudgetAlertLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUDGET_ALERT_LEVEL_UNSPECIFIED: _ClassVar[BudgetAlertLevel]
    BUDGET_ALERT_LEVEL_WARNING: _ClassVar[BudgetAlertLevel]
    BUDGET_ALERT_LEVEL_CRITICAL: _ClassVar[BudgetAlertLevel]

class BudgetAlertBasis(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUDGET_ALERT_BASIS_UNSPECIFIED: _ClassVar[BudgetAlertBasis]
    BUDGET_ALERT_BASIS_ACTUAL: _ClassVar[BudgetAlertBasis]
    BUDGET_ALERT_BASIS_FORECAST: _ClassVar[BudgetAlertBasis]

class ForecastMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FORECAST_METHOD_UNSPECIFIED: _ClassVar[ForecastMethod]
    FORECAST_METHOD_SEASONAL: _ClassVar[ForecastMethod]
    FORECAST_METHOD_RUN_RATE: _ClassVar[ForecastMethod]

class AnomalyStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANOMALY_STATUS_UNSPECIFIED: _ClassVar[AnomalyStatus]
    ANOMALY_STATUS_ACTIVE: _ClassVar[AnomalyStatus]
    ANOMALY_STATUS_DISMISSED: _ClassVar[AnomalyStatus]

class AnomalySeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANOMALY_SEVERITY_UNSPECIFIED: _ClassVar[AnomalySeverity]
    ANOMALY_SEVERITY_LOW: _ClassVar[AnomalySeverity]
    ANOMALY_SEVERITY_MEDIUM: _ClassVar[AnomalySeverity]
    ANOMALY_SEVERITY_HIGH: _ClassVar[AnomalySeverity]

class AnomalyScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANOMALY_SCOPE_UNSPECIFIED: _ClassVar[AnomalyScope]
    ANOMALY_SCOPE_ACCOUNT: _ClassVar[AnomalyScope]
    ANOMALY_SCOPE_SERVICE: _ClassVar[AnomalyScope]

class RootCauseDimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROOT_CAUSE_DIMENSION_UNSPECIFIED: _ClassVar[RootCauseDimension]
    ROOT_CAUSE_DIMENSION_SERVICE: _ClassVar[RootCauseDimension]
    ROOT_CAUSE_DIMENSION_ACCOUNT: _ClassVar[RootCauseDimension]
    ROOT_CAUSE_DIMENSION_REGION: _ClassVar[RootCauseDimension]
BUDGET_PERIOD_UNSPECIFIED: BudgetPeriod
BUDGET_PERIOD_MONTHLY: BudgetPeriod
BUDGET_PERIOD_QUARTERLY: BudgetPeriod
BUDGET_PERIOD_YEARLY: BudgetPeriod
BUDGET_ALERT_LEVEL_UNSPECIFIED: BudgetAlertLevel
BUDGET_ALERT_LEVEL_WARNING: BudgetAlertLevel
BUDGET_ALERT_LEVEL_CRITICAL: BudgetAlertLevel
BUDGET_ALERT_BASIS_UNSPECIFIED: BudgetAlertBasis
BUDGET_ALERT_BASIS_ACTUAL: BudgetAlertBasis
BUDGET_ALERT_BASIS_FORECAST: BudgetAlertBasis
FORECAST_METHOD_UNSPECIFIED: ForecastMethod
FORECAST_METHOD_SEASONAL: ForecastMethod
FORECAST_METHOD_RUN_RATE: ForecastMethod
ANOMALY_STATUS_UNSPECIFIED: AnomalyStatus
ANOMALY_STATUS_ACTIVE: AnomalyStatus
ANOMALY_STATUS_DISMISSED: AnomalyStatus
ANOMALY_SEVERITY_UNSPECIFIED: AnomalySeverity
ANOMALY_SEVERITY_LOW: AnomalySeverity
ANOMALY_SEVERITY_MEDIUM: AnomalySeverity
ANOMALY_SEVERITY_HIGH: AnomalySeverity
ANOMALY_SCOPE_UNSPECIFIED: AnomalyScope
ANOMALY_SCOPE_ACCOUNT: AnomalyScope
ANOMALY_SCOPE_SERVICE: AnomalyScope
ROOT_CAUSE_DIMENSION_UNSPECIFIED: RootCauseDimension
ROOT_CAUSE_DIMENSION_SERVICE: RootCauseDimension
ROOT_CAUSE_DIMENSION_ACCOUNT: RootCauseDimension
ROOT_CAUSE_DIMENSION_REGION: RootCauseDimension

class BudgetScope(_message.Message):
    __slots__ = ("account_ids", "provider", "services")
    ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    account_ids: _containers.RepeatedScalarFieldContainer[int]
    provider: _provider_pb2.Provider
    services: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, account_ids: _Optional[_Iterable[int]] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., services: _Optional[_Iterable[str]] = ...) -> None: ...

class Budget(_message.Message):
    __slots__ = ("id", "name", "amount", "period", "alert_threshold_percent", "scope", "alert_on_forecast", "create_time", "update_time", "status")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ALERT_THRESHOLD_PERCENT_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    ALERT_ON_FORECAST_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    amount: _money_pb2.Money
    period: BudgetPeriod
    alert_threshold_percent: str
    scope: BudgetScope
    alert_on_forecast: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    status: BudgetStatus
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., period: _Optional[_Union[BudgetPeriod, str]] = ..., alert_threshold_percent: _Optional[str] = ..., scope: _Optional[_Union[BudgetScope, _Mapping]] = ..., alert_on_forecast: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[_Union[BudgetStatus, _Mapping]] = ...) -> None: ...

class BudgetStatus(_message.Message):
    __slots__ = ("budget_id", "period", "spent", "remaining", "percent_used", "burn_rate_7d", "burn_rate_period", "projected_spend", "projected_overage", "projected_exhaustion_date", "alert_level")
    BUDGET_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    SPENT_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    PERCENT_USED_FIELD_NUMBER: _ClassVar[int]
    BURN_RATE_7D_FIELD_NUMBER: _ClassVar[int]
    BURN_RATE_PERIOD_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_SPEND_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_OVERAGE_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_EXHAUSTION_DATE_FIELD_NUMBER: _ClassVar[int]
    ALERT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    budget_id: int
    period: _date_range_pb2.DateRange
    spent: _money_pb2.Money
    remaining: _money_pb2.Money
    percent_used: str
    burn_rate_7d: _money_pb2.Money
    burn_rate_period: _money_pb2.Money
    projected_spend: _money_pb2.Money
    projected_overage: _money_pb2.Money
    projected_exhaustion_date: str
    alert_level: BudgetAlertLevel
    def __init__(self, budget_id: _Optional[int] = ..., period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., spent: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., remaining: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., percent_used: _Optional[str] = ..., burn_rate_7d: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., burn_rate_period: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., projected_spend: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., projected_overage: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., projected_exhaustion_date: _Optional[str] = ..., alert_level: _Optional[_Union[BudgetAlertLevel, str]] = ...) -> None: ...

class BudgetAlert(_message.Message):
    __slots__ = ("id", "budget_id", "budget_name", "level", "basis", "spent", "amount", "percent", "period", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    BUDGET_ID_FIELD_NUMBER: _ClassVar[int]
    BUDGET_NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    SPENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    budget_id: int
    budget_name: str
    level: BudgetAlertLevel
    basis: BudgetAlertBasis
    spent: _money_pb2.Money
    amount: _money_pb2.Money
    percent: str
    period: _date_range_pb2.DateRange
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., budget_id: _Optional[int] = ..., budget_name: _Optional[str] = ..., level: _Optional[_Union[BudgetAlertLevel, str]] = ..., basis: _Optional[_Union[BudgetAlertBasis, str]] = ..., spent: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., percent: _Optional[str] = ..., period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateBudgetRequest(_message.Message):
    __slots__ = ("request_id", "budget")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    budget: Budget
    def __init__(self, request_id: _Optional[str] = ..., budget: _Optional[_Union[Budget, _Mapping]] = ...) -> None: ...

class CreateBudgetResponse(_message.Message):
    __slots__ = ("budget",)
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    budget: Budget
    def __init__(self, budget: _Optional[_Union[Budget, _Mapping]] = ...) -> None: ...

class GetBudgetRequest(_message.Message):
    __slots__ = ("budget_id",)
    BUDGET_ID_FIELD_NUMBER: _ClassVar[int]
    budget_id: int
    def __init__(self, budget_id: _Optional[int] = ...) -> None: ...

class GetBudgetResponse(_message.Message):
    __slots__ = ("budget",)
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    budget: Budget
    def __init__(self, budget: _Optional[_Union[Budget, _Mapping]] = ...) -> None: ...

class ListBudgetsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBudgetsResponse(_message.Message):
    __slots__ = ("budgets", "next_page_token")
    BUDGETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    budgets: _containers.RepeatedCompositeFieldContainer[Budget]
    next_page_token: str
    def __init__(self, budgets: _Optional[_Iterable[_Union[Budget, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateBudgetRequest(_message.Message):
    __slots__ = ("budget", "update_mask")
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    budget: Budget
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, budget: _Optional[_Union[Budget, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateBudgetResponse(_message.Message):
    __slots__ = ("budget",)
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    budget: Budget
    def __init__(self, budget: _Optional[_Union[Budget, _Mapping]] = ...) -> None: ...

class DeleteBudgetRequest(_message.Message):
    __slots__ = ("budget_id",)
    BUDGET_ID_FIELD_NUMBER: _ClassVar[int]
    budget_id: int
    def __init__(self, budget_id: _Optional[int] = ...) -> None: ...

class DeleteBudgetResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetBudgetStatusRequest(_message.Message):
    __slots__ = ("budget_id", "as_of_date")
    BUDGET_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    budget_id: int
    as_of_date: str
    def __init__(self, budget_id: _Optional[int] = ..., as_of_date: _Optional[str] = ...) -> None: ...

class GetBudgetStatusResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: BudgetStatus
    def __init__(self, status: _Optional[_Union[BudgetStatus, _Mapping]] = ...) -> None: ...

class ListBudgetAlertsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "budget_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    BUDGET_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    budget_id: int
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., budget_id: _Optional[int] = ...) -> None: ...

class ListBudgetAlertsResponse(_message.Message):
    __slots__ = ("budget_alerts", "next_page_token")
    BUDGET_ALERTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    budget_alerts: _containers.RepeatedCompositeFieldContainer[BudgetAlert]
    next_page_token: str
    def __init__(self, budget_alerts: _Optional[_Iterable[_Union[BudgetAlert, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetForecastRequest(_message.Message):
    __slots__ = ("days", "account_ids", "provider", "confidence_level", "as_of_date")
    DAYS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    days: int
    account_ids: _containers.RepeatedScalarFieldContainer[int]
    provider: _provider_pb2.Provider
    confidence_level: str
    as_of_date: str
    def __init__(self, days: _Optional[int] = ..., account_ids: _Optional[_Iterable[int]] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., confidence_level: _Optional[str] = ..., as_of_date: _Optional[str] = ...) -> None: ...

class GetForecastResponse(_message.Message):
    __slots__ = ("forecast_days", "period", "forecasts")
    FORECAST_DAYS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    FORECASTS_FIELD_NUMBER: _ClassVar[int]
    forecast_days: int
    period: _date_range_pb2.DateRange
    forecasts: _containers.RepeatedCompositeFieldContainer[CurrencyForecast]
    def __init__(self, forecast_days: _Optional[int] = ..., period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., forecasts: _Optional[_Iterable[_Union[CurrencyForecast, _Mapping]]] = ...) -> None: ...

class CurrencyForecast(_message.Message):
    __slots__ = ("currency_code", "projected_total", "interval_low", "interval_high", "daily", "method", "history_days")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_TOTAL_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_LOW_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_HIGH_FIELD_NUMBER: _ClassVar[int]
    DAILY_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    HISTORY_DAYS_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    projected_total: _money_pb2.Money
    interval_low: _money_pb2.Money
    interval_high: _money_pb2.Money
    daily: _containers.RepeatedCompositeFieldContainer[ForecastPoint]
    method: ForecastMethod
    history_days: int
    def __init__(self, currency_code: _Optional[str] = ..., projected_total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interval_low: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interval_high: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., daily: _Optional[_Iterable[_Union[ForecastPoint, _Mapping]]] = ..., method: _Optional[_Union[ForecastMethod, str]] = ..., history_days: _Optional[int] = ...) -> None: ...

class ForecastPoint(_message.Message):
    __slots__ = ("date", "amount", "lower", "upper")
    DATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LOWER_FIELD_NUMBER: _ClassVar[int]
    UPPER_FIELD_NUMBER: _ClassVar[int]
    date: str
    amount: _money_pb2.Money
    lower: _money_pb2.Money
    upper: _money_pb2.Money
    def __init__(self, date: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., lower: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., upper: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Anomaly(_message.Message):
    __slots__ = ("id", "day", "scope", "account_id", "account_name", "provider", "service", "expected_low", "expected_high", "actual", "impact", "impact_percent", "severity", "root_causes", "status", "detect_time", "update_time", "dismiss_reason", "dismissed_by", "dismiss_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_LOW_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_HIGH_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_FIELD_NUMBER: _ClassVar[int]
    IMPACT_FIELD_NUMBER: _ClassVar[int]
    IMPACT_PERCENT_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DETECT_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISMISS_REASON_FIELD_NUMBER: _ClassVar[int]
    DISMISSED_BY_FIELD_NUMBER: _ClassVar[int]
    DISMISS_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    day: str
    scope: AnomalyScope
    account_id: int
    account_name: str
    provider: _provider_pb2.Provider
    service: str
    expected_low: _money_pb2.Money
    expected_high: _money_pb2.Money
    actual: _money_pb2.Money
    impact: _money_pb2.Money
    impact_percent: str
    severity: AnomalySeverity
    root_causes: _containers.RepeatedCompositeFieldContainer[RootCause]
    status: AnomalyStatus
    detect_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    dismiss_reason: str
    dismissed_by: str
    dismiss_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., day: _Optional[str] = ..., scope: _Optional[_Union[AnomalyScope, str]] = ..., account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., service: _Optional[str] = ..., expected_low: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., expected_high: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., actual: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., impact: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., impact_percent: _Optional[str] = ..., severity: _Optional[_Union[AnomalySeverity, str]] = ..., root_causes: _Optional[_Iterable[_Union[RootCause, _Mapping]]] = ..., status: _Optional[_Union[AnomalyStatus, str]] = ..., detect_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dismiss_reason: _Optional[str] = ..., dismissed_by: _Optional[str] = ..., dismiss_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RootCause(_message.Message):
    __slots__ = ("dimension", "key", "label", "impact", "contribution_percent", "actual")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    IMPACT_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTION_PERCENT_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_FIELD_NUMBER: _ClassVar[int]
    dimension: RootCauseDimension
    key: str
    label: str
    impact: _money_pb2.Money
    contribution_percent: str
    actual: _money_pb2.Money
    def __init__(self, dimension: _Optional[_Union[RootCauseDimension, str]] = ..., key: _Optional[str] = ..., label: _Optional[str] = ..., impact: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., contribution_percent: _Optional[str] = ..., actual: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class AnomalySettings(_message.Message):
    __slots__ = ("min_impact_amount", "min_impact_percent")
    MIN_IMPACT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_IMPACT_PERCENT_FIELD_NUMBER: _ClassVar[int]
    min_impact_amount: str
    min_impact_percent: str
    def __init__(self, min_impact_amount: _Optional[str] = ..., min_impact_percent: _Optional[str] = ...) -> None: ...

class ListAnomaliesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "account_ids", "provider", "days", "status")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    account_ids: _containers.RepeatedScalarFieldContainer[int]
    provider: _provider_pb2.Provider
    days: int
    status: AnomalyStatus
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., account_ids: _Optional[_Iterable[int]] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., days: _Optional[int] = ..., status: _Optional[_Union[AnomalyStatus, str]] = ...) -> None: ...

class ListAnomaliesResponse(_message.Message):
    __slots__ = ("anomalies", "next_page_token")
    ANOMALIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    anomalies: _containers.RepeatedCompositeFieldContainer[Anomaly]
    next_page_token: str
    def __init__(self, anomalies: _Optional[_Iterable[_Union[Anomaly, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetAnomalyRequest(_message.Message):
    __slots__ = ("anomaly_id",)
    ANOMALY_ID_FIELD_NUMBER: _ClassVar[int]
    anomaly_id: int
    def __init__(self, anomaly_id: _Optional[int] = ...) -> None: ...

class GetAnomalyResponse(_message.Message):
    __slots__ = ("anomaly",)
    ANOMALY_FIELD_NUMBER: _ClassVar[int]
    anomaly: Anomaly
    def __init__(self, anomaly: _Optional[_Union[Anomaly, _Mapping]] = ...) -> None: ...

class DismissAnomalyRequest(_message.Message):
    __slots__ = ("anomaly_id", "reason")
    ANOMALY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    anomaly_id: int
    reason: str
    def __init__(self, anomaly_id: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class DismissAnomalyResponse(_message.Message):
    __slots__ = ("anomaly",)
    ANOMALY_FIELD_NUMBER: _ClassVar[int]
    anomaly: Anomaly
    def __init__(self, anomaly: _Optional[_Union[Anomaly, _Mapping]] = ...) -> None: ...

class GetAnomalySettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAnomalySettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AnomalySettings
    def __init__(self, settings: _Optional[_Union[AnomalySettings, _Mapping]] = ...) -> None: ...

class UpdateAnomalySettingsRequest(_message.Message):
    __slots__ = ("settings", "update_mask")
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    settings: AnomalySettings
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, settings: _Optional[_Union[AnomalySettings, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateAnomalySettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AnomalySettings
    def __init__(self, settings: _Optional[_Union[AnomalySettings, _Mapping]] = ...) -> None: ...
