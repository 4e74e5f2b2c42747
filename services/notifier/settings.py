"""The notifier's own settings on top of the kit's (env COSTGRID_NOTIFIER_*, read once).

Tests shorten the timeouts and back-offs and allow loopback receivers here.
"""

from __future__ import annotations

from pydantic import Field

from services.common.settings import Settings


class NotifierSettings(Settings):
    # Private, loopback and link-local destinations are refused unless allowed here.
    notifier_allow_private_networks: bool = False
    # CIDRs allowed even though private (e.g. ["127.0.0.0/8"] for local receivers).
    notifier_allowed_cidrs: list[str] = Field(default_factory=list)
    # Slack, SMS and webhook URLs must be https unless this is set (local receivers).
    notifier_allow_plain_http: bool = False
    # Extra CA bundle trusted for HTTPS and SMTP TLS (private relays, tests).
    notifier_ca_file: str = ""
    notifier_sms_api_base_url: str = "https://api.twilio.com"

    notifier_attempt_timeout_seconds: float = 10.0
    notifier_max_attempts: int = 8
    notifier_max_age_seconds: float = 24 * 3600.0
    notifier_backoff_base_seconds: float = 2.0
    notifier_backoff_max_seconds: float = 600.0
    # Deliveries sent at once by one replica, and at most this many to any one channel,
    # so a hanging channel cannot take every slot.
    notifier_concurrency: int = 64
    notifier_per_channel_concurrency: int = 16
    # Longest an idle worker goes without looking for due deliveries: it sleeps until the next
    # retry or lease falls due and is woken by newly planned ones, so this only bounds how
    # late it sees deliveries planned by another replica.
    notifier_poll_seconds: float = 5.0
    # A claimed delivery not finished this long after its timeout is presumed cut off by a
    # crash and is claimed again.
    notifier_lease_margin_seconds: float = 5.0

    @property
    def notifier_lease_seconds(self) -> float:
        return self.notifier_attempt_timeout_seconds + self.notifier_lease_margin_seconds


def env_name(field: str) -> str:
    """The variable a setting is read from, for messages that tell an operator what to set."""
    if field not in NotifierSettings.model_fields:
        raise KeyError(field)
    return str(NotifierSettings.model_config.get("env_prefix", "")) + field.upper()
