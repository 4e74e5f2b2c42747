"""The gateway's own settings on top of the kit's (env COSTGRID_*, read once)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from services.common.settings import Settings


class GatewaySettings(Settings):
    # Where the REST API listens; port 0 picks a free one (tests read the bound port).
    gateway_http_addr: str = "127.0.0.1:8080"
    # Token bucket per API token: sustained requests per second and burst; 0 disables.
    gateway_rate_limit_per_second: float = 50.0
    gateway_rate_limit_burst: int = 100
    # Creates the default organization's first admin token on start (its hash is stored).
    bootstrap_token: SecretStr | None = None
    gateway_default_org_id: str = "default"
    # How long a verified token is trusted before it is looked up again. Revoking through
    # this gateway takes effect at once; other replicas see it within this time.
    gateway_auth_cache_seconds: float = 1.0
    # Deadline of each call to a service.
    gateway_grpc_timeout_seconds: float = 10.0
    # Deadline of a FOCUS upload, whose body streams to ingest for as long as the client sends.
    gateway_upload_timeout_seconds: float = 3600.0
    # Currency shown in cost answers when an organization has no cost data yet.
    gateway_default_currency: str = "USD"
    # Largest request body (413 beyond it), checked before authentication.
    gateway_max_body_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    # Failed authentications per client address: sustained per minute and burst, then 429.
    gateway_auth_failures_per_minute: float = Field(30.0, gt=0)
    gateway_auth_failure_burst: int = Field(20, ge=1)
    # A token that failed is refused from memory this long, without a database lookup.
    gateway_auth_negative_cache_seconds: float = Field(60.0, ge=0)
    # Failed authentications are written to the audit log as one row per address per window.
    gateway_audit_window_seconds: float = Field(60.0, gt=0)

    @property
    def http_host_port(self) -> tuple[str, int]:
        host, _, port = self.gateway_http_addr.rpartition(":")
        return host or "127.0.0.1", int(port)
