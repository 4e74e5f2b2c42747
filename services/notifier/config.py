"""The notifier's own settings (env COSTGRID_NOTIFIER_*), read once at start-up.

They live beside the service rather than in the kit's Settings because only the notifier uses
them; tests shorten the timeouts and back-offs and allow loopback receivers here.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "COSTGRID_NOTIFIER_"


class NotifierConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    # Private, loopback and link-local destinations are refused unless allowed here.
    allow_private_networks: bool = False
    # CIDRs allowed even though private (e.g. ["127.0.0.0/8"] for local receivers).
    allowed_cidrs: list[str] = Field(default_factory=list)
    # Slack, SMS and webhook URLs must be https unless this is set (local receivers).
    allow_plain_http: bool = False
    # Extra CA bundle trusted for HTTPS and SMTP TLS (private relays, tests).
    ca_file: str = ""
    sms_api_base_url: str = "https://api.twilio.com"

    attempt_timeout_seconds: float = 10.0
    max_attempts: int = 8
    max_age_seconds: float = 24 * 3600.0
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 600.0
    # Deliveries sent at once by one replica, and at most this many to any one channel,
    # so a hanging channel cannot take every slot.
    concurrency: int = 64
    per_channel_concurrency: int = 16
    # Longest an idle worker goes without looking for due deliveries: it sleeps until the next
    # retry or lease falls due and is woken by newly planned ones, so this only bounds how
    # late it sees deliveries planned by another replica.
    poll_seconds: float = 5.0
    # A claimed delivery not finished this long after its timeout is presumed cut off by a
    # crash and is claimed again.
    lease_margin_seconds: float = 5.0

    @property
    def lease_seconds(self) -> float:
        return self.attempt_timeout_seconds + self.lease_margin_seconds


def env_name(field: str) -> str:
    """The variable a setting is read from, for messages that tell an operator what to set."""
    if field not in NotifierConfig.model_fields:
        raise KeyError(field)
    return ENV_PREFIX + field.upper()


def load_config(**overrides: object) -> NotifierConfig:
    return NotifierConfig(**overrides)  # type: ignore[arg-type]
