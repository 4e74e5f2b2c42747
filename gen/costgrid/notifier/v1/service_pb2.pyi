import datetime

from costgrid.budgets.v1 import service_pb2 as _service_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChannelType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_TYPE_UNSPECIFIED: _ClassVar[ChannelType]
    CHANNEL_TYPE_SLACK: _ClassVar[ChannelType]
    CHANNEL_TYPE_EMAIL: _ClassVar[ChannelType]
    CHANNEL_TYPE_SMS: _ClassVar[ChannelType]
    CHANNEL_TYPE_WEBHOOK: _ClassVar[ChannelType]

class SmtpSecurity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SMTP_SECURITY_UNSPECIFIED: _ClassVar[SmtpSecurity]
    SMTP_SECURITY_STARTTLS: _ClassVar[SmtpSecurity]
    SMTP_SECURITY_TLS: _ClassVar[SmtpSecurity]
    SMTP_SECURITY_NONE: _ClassVar[SmtpSecurity]

class TriggerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_TYPE_UNSPECIFIED: _ClassVar[TriggerType]
    TRIGGER_TYPE_BUDGET_THRESHOLD: _ClassVar[TriggerType]
    TRIGGER_TYPE_ANOMALY_DETECTED: _ClassVar[TriggerType]
    TRIGGER_TYPE_SYNC_FAILED: _ClassVar[TriggerType]
    TRIGGER_TYPE_INVOICE_OVERDUE: _ClassVar[TriggerType]
    TRIGGER_TYPE_ALLOWANCE_REACHED: _ClassVar[TriggerType]

class DeliveryStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_STATUS_UNSPECIFIED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_PENDING: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SUCCEEDED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_FAILED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_DEAD_LETTERED: _ClassVar[DeliveryStatus]
    DELIVERY_STATUS_SUPPRESSED: _ClassVar[DeliveryStatus]
CHANNEL_TYPE_UNSPECIFIED: ChannelType
CHANNEL_TYPE_SLACK: ChannelType
CHANNEL_TYPE_EMAIL: ChannelType
CHANNEL_TYPE_SMS: ChannelType
CHANNEL_TYPE_WEBHOOK: ChannelType
SMTP_SECURITY_UNSPECIFIED: SmtpSecurity
SMTP_SECURITY_STARTTLS: SmtpSecurity
SMTP_SECURITY_TLS: SmtpSecurity
SMTP_SECURITY_NONE: SmtpSecurity
TRIGGER_TYPE_UNSPECIFIED: TriggerType
TRIGGER_TYPE_BUDGET_THRESHOLD: TriggerType
TRIGGER_TYPE_ANOMALY_DETECTED: TriggerType
TRIGGER_TYPE_SYNC_FAILED: TriggerType
TRIGGER_TYPE_INVOICE_OVERDUE: TriggerType
TRIGGER_TYPE_ALLOWANCE_REACHED: TriggerType
DELIVERY_STATUS_UNSPECIFIED: DeliveryStatus
DELIVERY_STATUS_PENDING: DeliveryStatus
DELIVERY_STATUS_SUCCEEDED: DeliveryStatus
DELIVERY_STATUS_FAILED: DeliveryStatus
DELIVERY_STATUS_DEAD_LETTERED: DeliveryStatus
DELIVERY_STATUS_SUPPRESSED: DeliveryStatus

class Channel(_message.Message):
    __slots__ = ("id", "name", "type", "config", "has_secrets", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    HAS_SECRETS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    type: ChannelType
    config: ChannelConfig
    has_secrets: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., type: _Optional[_Union[ChannelType, str]] = ..., config: _Optional[_Union[ChannelConfig, _Mapping]] = ..., has_secrets: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChannelConfig(_message.Message):
    __slots__ = ("slack", "email", "sms", "webhook")
    SLACK_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    SMS_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    slack: SlackConfig
    email: EmailConfig
    sms: SmsConfig
    webhook: WebhookConfig
    def __init__(self, slack: _Optional[_Union[SlackConfig, _Mapping]] = ..., email: _Optional[_Union[EmailConfig, _Mapping]] = ..., sms: _Optional[_Union[SmsConfig, _Mapping]] = ..., webhook: _Optional[_Union[WebhookConfig, _Mapping]] = ...) -> None: ...

class SlackConfig(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EmailConfig(_message.Message):
    __slots__ = ("smtp_host", "smtp_port", "security", "username", "from_address", "to_addresses")
    SMTP_HOST_FIELD_NUMBER: _ClassVar[int]
    SMTP_PORT_FIELD_NUMBER: _ClassVar[int]
    SECURITY_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    FROM_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    TO_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    smtp_host: str
    smtp_port: int
    security: SmtpSecurity
    username: str
    from_address: str
    to_addresses: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, smtp_host: _Optional[str] = ..., smtp_port: _Optional[int] = ..., security: _Optional[_Union[SmtpSecurity, str]] = ..., username: _Optional[str] = ..., from_address: _Optional[str] = ..., to_addresses: _Optional[_Iterable[str]] = ...) -> None: ...

class SmsConfig(_message.Message):
    __slots__ = ("api_base_url", "account_sid", "from_number", "to_numbers")
    API_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_SID_FIELD_NUMBER: _ClassVar[int]
    FROM_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TO_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    api_base_url: str
    account_sid: str
    from_number: str
    to_numbers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, api_base_url: _Optional[str] = ..., account_sid: _Optional[str] = ..., from_number: _Optional[str] = ..., to_numbers: _Optional[_Iterable[str]] = ...) -> None: ...

class WebhookConfig(_message.Message):
    __slots__ = ("url", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    URL_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    url: str
    headers: _containers.ScalarMap[str, str]
    def __init__(self, url: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ChannelSecrets(_message.Message):
    __slots__ = ("slack", "email", "sms", "webhook")
    SLACK_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    SMS_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    slack: SlackSecrets
    email: EmailSecrets
    sms: SmsSecrets
    webhook: WebhookSecrets
    def __init__(self, slack: _Optional[_Union[SlackSecrets, _Mapping]] = ..., email: _Optional[_Union[EmailSecrets, _Mapping]] = ..., sms: _Optional[_Union[SmsSecrets, _Mapping]] = ..., webhook: _Optional[_Union[WebhookSecrets, _Mapping]] = ...) -> None: ...

class SlackSecrets(_message.Message):
    __slots__ = ("webhook_url",)
    WEBHOOK_URL_FIELD_NUMBER: _ClassVar[int]
    webhook_url: str
    def __init__(self, webhook_url: _Optional[str] = ...) -> None: ...

class EmailSecrets(_message.Message):
    __slots__ = ("password",)
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    password: str
    def __init__(self, password: _Optional[str] = ...) -> None: ...

class SmsSecrets(_message.Message):
    __slots__ = ("auth_token",)
    AUTH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    auth_token: str
    def __init__(self, auth_token: _Optional[str] = ...) -> None: ...

class WebhookSecrets(_message.Message):
    __slots__ = ("signing_secret", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    signing_secret: str
    headers: _containers.ScalarMap[str, str]
    def __init__(self, signing_secret: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CreateChannelRequest(_message.Message):
    __slots__ = ("request_id", "channel", "secrets")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    channel: Channel
    secrets: ChannelSecrets
    def __init__(self, request_id: _Optional[str] = ..., channel: _Optional[_Union[Channel, _Mapping]] = ..., secrets: _Optional[_Union[ChannelSecrets, _Mapping]] = ...) -> None: ...

class CreateChannelResponse(_message.Message):
    __slots__ = ("channel", "generated_signing_secret")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    GENERATED_SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    generated_signing_secret: str
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., generated_signing_secret: _Optional[str] = ...) -> None: ...

class GetChannelRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: int
    def __init__(self, channel_id: _Optional[int] = ...) -> None: ...

class GetChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class ListChannelsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "type")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    type: ChannelType
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., type: _Optional[_Union[ChannelType, str]] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ("channels", "next_page_token")
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    next_page_token: str
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateChannelRequest(_message.Message):
    __slots__ = ("channel", "secrets", "update_mask")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    secrets: ChannelSecrets
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., secrets: _Optional[_Union[ChannelSecrets, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class DeleteChannelRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: int
    def __init__(self, channel_id: _Optional[int] = ...) -> None: ...

class DeleteChannelResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SendTestNotificationRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: int
    def __init__(self, channel_id: _Optional[int] = ...) -> None: ...

class SendTestNotificationResponse(_message.Message):
    __slots__ = ("ok", "response_code", "error")
    OK_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    response_code: int
    error: str
    def __init__(self, ok: _Optional[bool] = ..., response_code: _Optional[int] = ..., error: _Optional[str] = ...) -> None: ...

class RuleFilter(_message.Message):
    __slots__ = ("budget_levels", "budget_ids", "account_ids", "min_severity", "tenant_ids")
    BUDGET_LEVELS_FIELD_NUMBER: _ClassVar[int]
    BUDGET_IDS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    MIN_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TENANT_IDS_FIELD_NUMBER: _ClassVar[int]
    budget_levels: _containers.RepeatedScalarFieldContainer[_service_pb2.BudgetAlertLevel]
    budget_ids: _containers.RepeatedScalarFieldContainer[int]
    account_ids: _containers.RepeatedScalarFieldContainer[int]
    min_severity: _service_pb2.AnomalySeverity
    tenant_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, budget_levels: _Optional[_Iterable[_Union[_service_pb2.BudgetAlertLevel, str]]] = ..., budget_ids: _Optional[_Iterable[int]] = ..., account_ids: _Optional[_Iterable[int]] = ..., min_severity: _Optional[_Union[_service_pb2.AnomalySeverity, str]] = ..., tenant_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("id", "name", "trigger_type", "filter", "channel_ids", "enabled", "cooldown_seconds", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_IDS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    COOLDOWN_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    trigger_type: TriggerType
    filter: RuleFilter
    channel_ids: _containers.RepeatedScalarFieldContainer[int]
    enabled: bool
    cooldown_seconds: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., trigger_type: _Optional[_Union[TriggerType, str]] = ..., filter: _Optional[_Union[RuleFilter, _Mapping]] = ..., channel_ids: _Optional[_Iterable[int]] = ..., enabled: _Optional[bool] = ..., cooldown_seconds: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateRuleRequest(_message.Message):
    __slots__ = ("request_id", "rule")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    rule: Rule
    def __init__(self, request_id: _Optional[str] = ..., rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class CreateRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class GetRuleRequest(_message.Message):
    __slots__ = ("rule_id",)
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: int
    def __init__(self, rule_id: _Optional[int] = ...) -> None: ...

class GetRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "trigger_type")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_TYPE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    trigger_type: TriggerType
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., trigger_type: _Optional[_Union[TriggerType, str]] = ...) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateRuleRequest(_message.Message):
    __slots__ = ("rule", "update_mask")
    RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class DeleteRuleRequest(_message.Message):
    __slots__ = ("rule_id",)
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: int
    def __init__(self, rule_id: _Optional[int] = ...) -> None: ...

class DeleteRuleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("id", "rule_id", "channel_id", "channel_type", "trigger_type", "event_id", "idempotency_key", "status", "attempts", "last_error", "last_response_code", "create_time", "last_attempt_time", "next_attempt_time", "deliver_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_TYPE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_RESPONSE_CODE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVER_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    rule_id: int
    channel_id: int
    channel_type: ChannelType
    trigger_type: TriggerType
    event_id: str
    idempotency_key: str
    status: DeliveryStatus
    attempts: int
    last_error: str
    last_response_code: int
    create_time: _timestamp_pb2.Timestamp
    last_attempt_time: _timestamp_pb2.Timestamp
    next_attempt_time: _timestamp_pb2.Timestamp
    deliver_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., rule_id: _Optional[int] = ..., channel_id: _Optional[int] = ..., channel_type: _Optional[_Union[ChannelType, str]] = ..., trigger_type: _Optional[_Union[TriggerType, str]] = ..., event_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., last_response_code: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deliver_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "channel_id", "rule_id", "status", "event_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    channel_id: int
    rule_id: int
    status: DeliveryStatus
    event_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., channel_id: _Optional[int] = ..., rule_id: _Optional[int] = ..., status: _Optional[_Union[DeliveryStatus, str]] = ..., event_id: _Optional[str] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
