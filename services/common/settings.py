"""Configuration: environment variables prefixed COSTGRID_, read once at start-up."""

from __future__ import annotations

from functools import cached_property
from typing import Self

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("ingest", "metering", "budgets", "invoicing", "notifier", "gateway")

# Fixed dev ports keep `make run` predictable; each can be overridden (COSTGRID_INGEST_ADDR=...).
_DEFAULT_GRPC_PORT = {name: 50051 + i for i, name in enumerate(SERVICES)}
_DEFAULT_METRICS_PORT = {name: 9151 + i for i, name in enumerate(SERVICES)}
_DEV_CONTEXT_KEY = "costgrid-dev-context-signing-key-not-for-production"
# 32 zero-ish bytes, base64: clearly a development key, never used when COSTGRID_ENCRYPTION_KEYS is set.
_DEV_ENCRYPTION_KEYS = "dev:ZGV2LWtleS1kby1ub3QtdXNlLWluLXByb2R1Y3Rpb24h"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COSTGRID_", extra="ignore")

    env: str = "dev"  # dev | prod; dev migrates at start-up and allows the built-in keys
    database_url: str = "postgresql://postgres@127.0.0.1:5432/costgrid"
    nats_url: str = "nats://127.0.0.1:4222"
    # Prefix for NATS subjects/streams and database roles, so test runs never collide.
    namespace: str = ""
    db_role_password: SecretStr = SecretStr("costgrid-dev")
    db_pool_size: int = 10
    context_signing_key: SecretStr = SecretStr(_DEV_CONTEXT_KEY)
    encryption_keys: SecretStr = SecretStr(_DEV_ENCRYPTION_KEYS)
    log_level: str = "INFO"
    grace_period_seconds: float = 10.0
    # The outbox relay is woken by each commit that adds events (LISTEN/NOTIFY); this is only
    # how long it goes without looking when no notification comes (one may be missed).
    outbox_poll_seconds: float = 10.0
    # Largest gRPC message a service takes or a client sends; larger is INVALID_ARGUMENT.
    grpc_max_message_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    # An event unacknowledged this long goes to another replica; consumers at work on it send
    # in-progress acks three times per wait, so only a dead or stuck one loses it.
    event_ack_wait_seconds: float = Field(default=6.0, ge=1)
    # How often readiness (gRPC health) probes PostgreSQL and NATS.
    health_probe_seconds: float = Field(default=2.0, gt=0)
    auto_migrate: bool | None = None  # default: on in dev, off in prod

    ingest_addr: str = f"127.0.0.1:{_DEFAULT_GRPC_PORT['ingest']}"
    metering_addr: str = f"127.0.0.1:{_DEFAULT_GRPC_PORT['metering']}"
    budgets_addr: str = f"127.0.0.1:{_DEFAULT_GRPC_PORT['budgets']}"
    invoicing_addr: str = f"127.0.0.1:{_DEFAULT_GRPC_PORT['invoicing']}"
    notifier_addr: str = f"127.0.0.1:{_DEFAULT_GRPC_PORT['notifier']}"
    gateway_addr: str = f"127.0.0.1:{_DEFAULT_GRPC_PORT['gateway']}"
    # 0 picks a free port; -1 disables the /metrics endpoint.
    metrics_ports: dict[str, int] = Field(default_factory=lambda: dict(_DEFAULT_METRICS_PORT))

    @classmethod
    def extending(cls, base: Settings) -> Self:
        """A service's settings on top of the kit's: `base` as given (tests set its fields
        directly), the service's own fields from the environment."""
        if isinstance(base, cls):
            return base
        return cls(**base.model_dump())

    def addr_of(self, service: str) -> str:
        return str(getattr(self, f"{service}_addr"))

    def metrics_port_of(self, service: str) -> int:
        return self.metrics_ports.get(service, -1)

    @property
    def migrate_on_start(self) -> bool:
        return self.env == "dev" if self.auto_migrate is None else self.auto_migrate

    @cached_property
    def role_prefix(self) -> str:
        return f"costgrid_{self.namespace}_" if self.namespace else "costgrid_"

    def db_role(self, service: str) -> str:
        return f"{self.role_prefix}{service}"

    def uses_dev_keys(self) -> bool:
        return (
            self.context_signing_key.get_secret_value() == _DEV_CONTEXT_KEY
            or self.encryption_keys.get_secret_value() == _DEV_ENCRYPTION_KEYS
        )


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
