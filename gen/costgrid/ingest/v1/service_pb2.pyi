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

class SyncJobStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SYNC_JOB_STATUS_UNSPECIFIED: _ClassVar[SyncJobStatus]
    SYNC_JOB_STATUS_RUNNING: _ClassVar[SyncJobStatus]
    SYNC_JOB_STATUS_SUCCEEDED: _ClassVar[SyncJobStatus]
    SYNC_JOB_STATUS_PARTIALLY_FAILED: _ClassVar[SyncJobStatus]
    SYNC_JOB_STATUS_FAILED: _ClassVar[SyncJobStatus]

class SyncTaskStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SYNC_TASK_STATUS_UNSPECIFIED: _ClassVar[SyncTaskStatus]
    SYNC_TASK_STATUS_QUEUED: _ClassVar[SyncTaskStatus]
    SYNC_TASK_STATUS_RUNNING: _ClassVar[SyncTaskStatus]
    SYNC_TASK_STATUS_SUCCEEDED: _ClassVar[SyncTaskStatus]
    SYNC_TASK_STATUS_FAILED: _ClassVar[SyncTaskStatus]

class SyncSkipReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SYNC_SKIP_REASON_UNSPECIFIED: _ClassVar[SyncSkipReason]
    SYNC_SKIP_REASON_DEMO: _ClassVar[SyncSkipReason]
    SYNC_SKIP_REASON_INACTIVE: _ClassVar[SyncSkipReason]
    SYNC_SKIP_REASON_ARCHIVED: _ClassVar[SyncSkipReason]

class SyncTrigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SYNC_TRIGGER_UNSPECIFIED: _ClassVar[SyncTrigger]
    SYNC_TRIGGER_MANUAL: _ClassVar[SyncTrigger]
    SYNC_TRIGGER_SCHEDULED: _ClassVar[SyncTrigger]

class Granularity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRANULARITY_UNSPECIFIED: _ClassVar[Granularity]
    GRANULARITY_DAY: _ClassVar[Granularity]
    GRANULARITY_WEEK: _ClassVar[Granularity]
    GRANULARITY_MONTH: _ClassVar[Granularity]
SYNC_JOB_STATUS_UNSPECIFIED: SyncJobStatus
SYNC_JOB_STATUS_RUNNING: SyncJobStatus
SYNC_JOB_STATUS_SUCCEEDED: SyncJobStatus
SYNC_JOB_STATUS_PARTIALLY_FAILED: SyncJobStatus
SYNC_JOB_STATUS_FAILED: SyncJobStatus
SYNC_TASK_STATUS_UNSPECIFIED: SyncTaskStatus
SYNC_TASK_STATUS_QUEUED: SyncTaskStatus
SYNC_TASK_STATUS_RUNNING: SyncTaskStatus
SYNC_TASK_STATUS_SUCCEEDED: SyncTaskStatus
SYNC_TASK_STATUS_FAILED: SyncTaskStatus
SYNC_SKIP_REASON_UNSPECIFIED: SyncSkipReason
SYNC_SKIP_REASON_DEMO: SyncSkipReason
SYNC_SKIP_REASON_INACTIVE: SyncSkipReason
SYNC_SKIP_REASON_ARCHIVED: SyncSkipReason
SYNC_TRIGGER_UNSPECIFIED: SyncTrigger
SYNC_TRIGGER_MANUAL: SyncTrigger
SYNC_TRIGGER_SCHEDULED: SyncTrigger
GRANULARITY_UNSPECIFIED: Granularity
GRANULARITY_DAY: Granularity
GRANULARITY_WEEK: Granularity
GRANULARITY_MONTH: Granularity

class CloudAccount(_message.Message):
    __slots__ = ("id", "name", "provider", "settings", "endpoint", "active", "has_credentials", "create_time", "update_time", "last_sync_time", "demo", "archived", "archive_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    HAS_CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNC_TIME_FIELD_NUMBER: _ClassVar[int]
    DEMO_FIELD_NUMBER: _ClassVar[int]
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    provider: _provider_pb2.Provider
    settings: CloudAccountSettings
    endpoint: str
    active: bool
    has_credentials: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    last_sync_time: _timestamp_pb2.Timestamp
    demo: bool
    archived: bool
    archive_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., settings: _Optional[_Union[CloudAccountSettings, _Mapping]] = ..., endpoint: _Optional[str] = ..., active: _Optional[bool] = ..., has_credentials: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_sync_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., demo: _Optional[bool] = ..., archived: _Optional[bool] = ..., archive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CloudAccountSettings(_message.Message):
    __slots__ = ("aws", "gcp", "azure", "digitalocean", "focus_file")
    AWS_FIELD_NUMBER: _ClassVar[int]
    GCP_FIELD_NUMBER: _ClassVar[int]
    AZURE_FIELD_NUMBER: _ClassVar[int]
    DIGITALOCEAN_FIELD_NUMBER: _ClassVar[int]
    FOCUS_FILE_FIELD_NUMBER: _ClassVar[int]
    aws: AwsSettings
    gcp: GcpSettings
    azure: AzureSettings
    digitalocean: DigitalOceanSettings
    focus_file: FocusFileSettings
    def __init__(self, aws: _Optional[_Union[AwsSettings, _Mapping]] = ..., gcp: _Optional[_Union[GcpSettings, _Mapping]] = ..., azure: _Optional[_Union[AzureSettings, _Mapping]] = ..., digitalocean: _Optional[_Union[DigitalOceanSettings, _Mapping]] = ..., focus_file: _Optional[_Union[FocusFileSettings, _Mapping]] = ...) -> None: ...

class AwsSettings(_message.Message):
    __slots__ = ("role_arn", "external_id", "cost_metric")
    ROLE_ARN_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    COST_METRIC_FIELD_NUMBER: _ClassVar[int]
    role_arn: str
    external_id: str
    cost_metric: str
    def __init__(self, role_arn: _Optional[str] = ..., external_id: _Optional[str] = ..., cost_metric: _Optional[str] = ...) -> None: ...

class GcpSettings(_message.Message):
    __slots__ = ("billing_account_id", "bigquery_export_table")
    BILLING_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    BIGQUERY_EXPORT_TABLE_FIELD_NUMBER: _ClassVar[int]
    billing_account_id: str
    bigquery_export_table: str
    def __init__(self, billing_account_id: _Optional[str] = ..., bigquery_export_table: _Optional[str] = ...) -> None: ...

class AzureSettings(_message.Message):
    __slots__ = ("scope", "tenant_id", "client_id")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    scope: str
    tenant_id: str
    client_id: str
    def __init__(self, scope: _Optional[str] = ..., tenant_id: _Optional[str] = ..., client_id: _Optional[str] = ...) -> None: ...

class DigitalOceanSettings(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class FocusFileSettings(_message.Message):
    __slots__ = ("path", "s3_prefix", "s3_region")
    PATH_FIELD_NUMBER: _ClassVar[int]
    S3_PREFIX_FIELD_NUMBER: _ClassVar[int]
    S3_REGION_FIELD_NUMBER: _ClassVar[int]
    path: str
    s3_prefix: str
    s3_region: str
    def __init__(self, path: _Optional[str] = ..., s3_prefix: _Optional[str] = ..., s3_region: _Optional[str] = ...) -> None: ...

class CloudAccountCredentials(_message.Message):
    __slots__ = ("aws", "gcp", "azure", "digitalocean", "focus_file")
    AWS_FIELD_NUMBER: _ClassVar[int]
    GCP_FIELD_NUMBER: _ClassVar[int]
    AZURE_FIELD_NUMBER: _ClassVar[int]
    DIGITALOCEAN_FIELD_NUMBER: _ClassVar[int]
    FOCUS_FILE_FIELD_NUMBER: _ClassVar[int]
    aws: AwsCredentials
    gcp: GcpCredentials
    azure: AzureCredentials
    digitalocean: DigitalOceanCredentials
    focus_file: AwsCredentials
    def __init__(self, aws: _Optional[_Union[AwsCredentials, _Mapping]] = ..., gcp: _Optional[_Union[GcpCredentials, _Mapping]] = ..., azure: _Optional[_Union[AzureCredentials, _Mapping]] = ..., digitalocean: _Optional[_Union[DigitalOceanCredentials, _Mapping]] = ..., focus_file: _Optional[_Union[AwsCredentials, _Mapping]] = ...) -> None: ...

class AwsCredentials(_message.Message):
    __slots__ = ("access_key_id", "secret_access_key")
    ACCESS_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_ACCESS_KEY_FIELD_NUMBER: _ClassVar[int]
    access_key_id: str
    secret_access_key: str
    def __init__(self, access_key_id: _Optional[str] = ..., secret_access_key: _Optional[str] = ...) -> None: ...

class GcpCredentials(_message.Message):
    __slots__ = ("service_account_json",)
    SERVICE_ACCOUNT_JSON_FIELD_NUMBER: _ClassVar[int]
    service_account_json: str
    def __init__(self, service_account_json: _Optional[str] = ...) -> None: ...

class AzureCredentials(_message.Message):
    __slots__ = ("client_secret",)
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    client_secret: str
    def __init__(self, client_secret: _Optional[str] = ...) -> None: ...

class DigitalOceanCredentials(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class CreateCloudAccountRequest(_message.Message):
    __slots__ = ("request_id", "cloud_account", "credentials")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CLOUD_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cloud_account: CloudAccount
    credentials: CloudAccountCredentials
    def __init__(self, request_id: _Optional[str] = ..., cloud_account: _Optional[_Union[CloudAccount, _Mapping]] = ..., credentials: _Optional[_Union[CloudAccountCredentials, _Mapping]] = ...) -> None: ...

class CreateCloudAccountResponse(_message.Message):
    __slots__ = ("cloud_account",)
    CLOUD_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    cloud_account: CloudAccount
    def __init__(self, cloud_account: _Optional[_Union[CloudAccount, _Mapping]] = ...) -> None: ...

class GetCloudAccountRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    def __init__(self, account_id: _Optional[int] = ...) -> None: ...

class GetCloudAccountResponse(_message.Message):
    __slots__ = ("cloud_account",)
    CLOUD_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    cloud_account: CloudAccount
    def __init__(self, cloud_account: _Optional[_Union[CloudAccount, _Mapping]] = ...) -> None: ...

class ListCloudAccountsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "provider", "active_only")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    provider: _provider_pb2.Provider
    active_only: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., active_only: _Optional[bool] = ...) -> None: ...

class ListCloudAccountsResponse(_message.Message):
    __slots__ = ("cloud_accounts", "next_page_token")
    CLOUD_ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cloud_accounts: _containers.RepeatedCompositeFieldContainer[CloudAccount]
    next_page_token: str
    def __init__(self, cloud_accounts: _Optional[_Iterable[_Union[CloudAccount, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCloudAccountRequest(_message.Message):
    __slots__ = ("cloud_account", "credentials", "update_mask")
    CLOUD_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    cloud_account: CloudAccount
    credentials: CloudAccountCredentials
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, cloud_account: _Optional[_Union[CloudAccount, _Mapping]] = ..., credentials: _Optional[_Union[CloudAccountCredentials, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateCloudAccountResponse(_message.Message):
    __slots__ = ("cloud_account",)
    CLOUD_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    cloud_account: CloudAccount
    def __init__(self, cloud_account: _Optional[_Union[CloudAccount, _Mapping]] = ...) -> None: ...

class DeleteCloudAccountRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    def __init__(self, account_id: _Optional[int] = ...) -> None: ...

class DeleteCloudAccountResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ArchiveCloudAccountRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    def __init__(self, account_id: _Optional[int] = ...) -> None: ...

class ArchiveCloudAccountResponse(_message.Message):
    __slots__ = ("cloud_account",)
    CLOUD_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    cloud_account: CloudAccount
    def __init__(self, cloud_account: _Optional[_Union[CloudAccount, _Mapping]] = ...) -> None: ...

class CloudAccountDraft(_message.Message):
    __slots__ = ("provider", "settings", "credentials", "endpoint")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    provider: _provider_pb2.Provider
    settings: CloudAccountSettings
    credentials: CloudAccountCredentials
    endpoint: str
    def __init__(self, provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., settings: _Optional[_Union[CloudAccountSettings, _Mapping]] = ..., credentials: _Optional[_Union[CloudAccountCredentials, _Mapping]] = ..., endpoint: _Optional[str] = ...) -> None: ...

class TestConnectionRequest(_message.Message):
    __slots__ = ("account_id", "draft")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    draft: CloudAccountDraft
    def __init__(self, account_id: _Optional[int] = ..., draft: _Optional[_Union[CloudAccountDraft, _Mapping]] = ...) -> None: ...

class TestConnectionResponse(_message.Message):
    __slots__ = ("ok", "message", "reason")
    OK_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    message: str
    reason: str
    def __init__(self, ok: _Optional[bool] = ..., message: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SkippedAccount(_message.Message):
    __slots__ = ("account_id", "account_name", "reason")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    account_name: str
    reason: SyncSkipReason
    def __init__(self, account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., reason: _Optional[_Union[SyncSkipReason, str]] = ...) -> None: ...

class SyncJob(_message.Message):
    __slots__ = ("id", "status", "trigger", "days_back", "tasks", "create_time", "finish_time", "skipped")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    DAYS_BACK_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    id: int
    status: SyncJobStatus
    trigger: SyncTrigger
    days_back: int
    tasks: _containers.RepeatedCompositeFieldContainer[SyncTask]
    create_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    skipped: _containers.RepeatedCompositeFieldContainer[SkippedAccount]
    def __init__(self, id: _Optional[int] = ..., status: _Optional[_Union[SyncJobStatus, str]] = ..., trigger: _Optional[_Union[SyncTrigger, str]] = ..., days_back: _Optional[int] = ..., tasks: _Optional[_Iterable[_Union[SyncTask, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., skipped: _Optional[_Iterable[_Union[SkippedAccount, _Mapping]]] = ...) -> None: ...

class SyncTask(_message.Message):
    __slots__ = ("account_id", "account_name", "status", "rows", "window", "error", "attempts", "start_time", "finish_time")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    account_name: str
    status: SyncTaskStatus
    rows: int
    window: _date_range_pb2.DateRange
    error: str
    attempts: int
    start_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    def __init__(self, account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., status: _Optional[_Union[SyncTaskStatus, str]] = ..., rows: _Optional[int] = ..., window: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., error: _Optional[str] = ..., attempts: _Optional[int] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TriggerSyncRequest(_message.Message):
    __slots__ = ("account_ids", "days_back", "request_id")
    ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    DAYS_BACK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    account_ids: _containers.RepeatedScalarFieldContainer[int]
    days_back: int
    request_id: str
    def __init__(self, account_ids: _Optional[_Iterable[int]] = ..., days_back: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class TriggerSyncResponse(_message.Message):
    __slots__ = ("job_id", "status", "skipped")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    status: SyncJobStatus
    skipped: _containers.RepeatedCompositeFieldContainer[SkippedAccount]
    def __init__(self, job_id: _Optional[int] = ..., status: _Optional[_Union[SyncJobStatus, str]] = ..., skipped: _Optional[_Iterable[_Union[SkippedAccount, _Mapping]]] = ...) -> None: ...

class GetSyncJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    def __init__(self, job_id: _Optional[int] = ...) -> None: ...

class GetSyncJobResponse(_message.Message):
    __slots__ = ("sync_job",)
    SYNC_JOB_FIELD_NUMBER: _ClassVar[int]
    sync_job: SyncJob
    def __init__(self, sync_job: _Optional[_Union[SyncJob, _Mapping]] = ...) -> None: ...

class ListSyncJobsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "account_id", "status")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    account_id: int
    status: SyncJobStatus
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., account_id: _Optional[int] = ..., status: _Optional[_Union[SyncJobStatus, str]] = ...) -> None: ...

class ListSyncJobsResponse(_message.Message):
    __slots__ = ("sync_jobs", "next_page_token")
    SYNC_JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sync_jobs: _containers.RepeatedCompositeFieldContainer[SyncJob]
    next_page_token: str
    def __init__(self, sync_jobs: _Optional[_Iterable[_Union[SyncJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetOverviewRequest(_message.Message):
    __slots__ = ("as_of_date",)
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    as_of_date: str
    def __init__(self, as_of_date: _Optional[str] = ...) -> None: ...

class GetOverviewResponse(_message.Message):
    __slots__ = ("current_period", "last_month_period", "currencies", "providers_present")
    CURRENT_PERIOD_FIELD_NUMBER: _ClassVar[int]
    LAST_MONTH_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CURRENCIES_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_PRESENT_FIELD_NUMBER: _ClassVar[int]
    current_period: _date_range_pb2.DateRange
    last_month_period: _date_range_pb2.DateRange
    currencies: _containers.RepeatedCompositeFieldContainer[CurrencyOverview]
    providers_present: _containers.RepeatedScalarFieldContainer[_provider_pb2.Provider]
    def __init__(self, current_period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., last_month_period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., currencies: _Optional[_Iterable[_Union[CurrencyOverview, _Mapping]]] = ..., providers_present: _Optional[_Iterable[_Union[_provider_pb2.Provider, str]]] = ...) -> None: ...

class CurrencyOverview(_message.Message):
    __slots__ = ("currency_code", "month_to_date", "last_month", "mom_change_percent", "daily_average", "projected_month_end", "by_provider", "by_account")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    MONTH_TO_DATE_FIELD_NUMBER: _ClassVar[int]
    LAST_MONTH_FIELD_NUMBER: _ClassVar[int]
    MOM_CHANGE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    DAILY_AVERAGE_FIELD_NUMBER: _ClassVar[int]
    PROJECTED_MONTH_END_FIELD_NUMBER: _ClassVar[int]
    BY_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    BY_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    month_to_date: _money_pb2.Money
    last_month: _money_pb2.Money
    mom_change_percent: str
    daily_average: _money_pb2.Money
    projected_month_end: _money_pb2.Money
    by_provider: _containers.RepeatedCompositeFieldContainer[ProviderCost]
    by_account: _containers.RepeatedCompositeFieldContainer[AccountCost]
    def __init__(self, currency_code: _Optional[str] = ..., month_to_date: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., last_month: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., mom_change_percent: _Optional[str] = ..., daily_average: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., projected_month_end: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., by_provider: _Optional[_Iterable[_Union[ProviderCost, _Mapping]]] = ..., by_account: _Optional[_Iterable[_Union[AccountCost, _Mapping]]] = ...) -> None: ...

class ProviderCost(_message.Message):
    __slots__ = ("provider", "amount", "provider_type")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    provider: _provider_pb2.Provider
    amount: _money_pb2.Money
    provider_type: str
    def __init__(self, provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., provider_type: _Optional[str] = ...) -> None: ...

class AccountCost(_message.Message):
    __slots__ = ("account_id", "account_name", "provider", "amount")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    account_name: str
    provider: _provider_pb2.Provider
    amount: _money_pb2.Money
    def __init__(self, account_id: _Optional[int] = ..., account_name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class GetTrendRequest(_message.Message):
    __slots__ = ("days", "granularity", "group_by", "account_ids", "provider", "as_of_date")
    DAYS_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    days: int
    granularity: Granularity
    group_by: str
    account_ids: _containers.RepeatedScalarFieldContainer[int]
    provider: _provider_pb2.Provider
    as_of_date: str
    def __init__(self, days: _Optional[int] = ..., granularity: _Optional[_Union[Granularity, str]] = ..., group_by: _Optional[str] = ..., account_ids: _Optional[_Iterable[int]] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., as_of_date: _Optional[str] = ...) -> None: ...

class GetTrendResponse(_message.Message):
    __slots__ = ("period", "points")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    period: _date_range_pb2.DateRange
    points: _containers.RepeatedCompositeFieldContainer[TrendPoint]
    def __init__(self, period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., points: _Optional[_Iterable[_Union[TrendPoint, _Mapping]]] = ...) -> None: ...

class TrendPoint(_message.Message):
    __slots__ = ("date", "amount", "breakdown")
    DATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BREAKDOWN_FIELD_NUMBER: _ClassVar[int]
    date: str
    amount: _money_pb2.Money
    breakdown: _containers.RepeatedCompositeFieldContainer[BreakdownItem]
    def __init__(self, date: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., breakdown: _Optional[_Iterable[_Union[BreakdownItem, _Mapping]]] = ...) -> None: ...

class BreakdownItem(_message.Message):
    __slots__ = ("key", "label", "amount", "percent")
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PERCENT_FIELD_NUMBER: _ClassVar[int]
    key: str
    label: str
    amount: _money_pb2.Money
    percent: str
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., percent: _Optional[str] = ...) -> None: ...

class GetBreakdownRequest(_message.Message):
    __slots__ = ("period", "dimension", "top_n", "account_ids", "provider")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    TOP_N_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    period: _date_range_pb2.DateRange
    dimension: str
    top_n: int
    account_ids: _containers.RepeatedScalarFieldContainer[int]
    provider: _provider_pb2.Provider
    def __init__(self, period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ..., dimension: _Optional[str] = ..., top_n: _Optional[int] = ..., account_ids: _Optional[_Iterable[int]] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ...) -> None: ...

class GetBreakdownResponse(_message.Message):
    __slots__ = ("currencies",)
    CURRENCIES_FIELD_NUMBER: _ClassVar[int]
    currencies: _containers.RepeatedCompositeFieldContainer[CurrencyBreakdown]
    def __init__(self, currencies: _Optional[_Iterable[_Union[CurrencyBreakdown, _Mapping]]] = ...) -> None: ...

class CurrencyBreakdown(_message.Message):
    __slots__ = ("currency_code", "total", "items", "other")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    OTHER_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    total: _money_pb2.Money
    items: _containers.RepeatedCompositeFieldContainer[BreakdownItem]
    other: _money_pb2.Money
    def __init__(self, currency_code: _Optional[str] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., items: _Optional[_Iterable[_Union[BreakdownItem, _Mapping]]] = ..., other: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class SumCostsRequest(_message.Message):
    __slots__ = ("account_id", "period")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    account_id: int
    period: _date_range_pb2.DateRange
    def __init__(self, account_id: _Optional[int] = ..., period: _Optional[_Union[_date_range_pb2.DateRange, _Mapping]] = ...) -> None: ...

class SumCostsResponse(_message.Message):
    __slots__ = ("account_name", "provider", "totals", "by_service", "first_cost_date")
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    BY_SERVICE_FIELD_NUMBER: _ClassVar[int]
    FIRST_COST_DATE_FIELD_NUMBER: _ClassVar[int]
    account_name: str
    provider: _provider_pb2.Provider
    totals: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    by_service: _containers.RepeatedCompositeFieldContainer[ServiceCost]
    first_cost_date: str
    def __init__(self, account_name: _Optional[str] = ..., provider: _Optional[_Union[_provider_pb2.Provider, str]] = ..., totals: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ..., by_service: _Optional[_Iterable[_Union[ServiceCost, _Mapping]]] = ..., first_cost_date: _Optional[str] = ...) -> None: ...

class ServiceCost(_message.Message):
    __slots__ = ("service", "amount")
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    service: str
    amount: _money_pb2.Money
    def __init__(self, service: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...
