"""What the notifier's handlers and worker share: its settings, the secret box, the address
policy and one HTTP client, built at start-up from the settings alone."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.common.crypto import SecretBox
from services.notifier.domain.network import AddressPolicy
from services.notifier.domain.retry import RetryPolicy
from services.notifier.senders import guard
from services.notifier.senders.base import SendContext
from services.notifier.settings import NotifierSettings


@dataclass
class NotifierContext:
    settings: NotifierSettings
    box: SecretBox
    policy: AddressPolicy
    signing_key: bytes
    _send: SendContext | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: NotifierSettings) -> NotifierContext:
        return cls(
            settings=settings,
            box=SecretBox.from_setting(settings.encryption_keys.get_secret_value()),
            policy=AddressPolicy.build(
                settings.notifier_allow_private_networks, settings.notifier_allowed_cidrs
            ),
            signing_key=settings.context_signing_key.get_secret_value().encode(),
        )

    @property
    def retry(self) -> RetryPolicy:
        s = self.settings
        return RetryPolicy(
            s.notifier_max_attempts,
            s.notifier_max_age_seconds,
            s.notifier_backoff_base_seconds,
            s.notifier_backoff_max_seconds,
        )

    @property
    def send(self) -> SendContext:
        """Created on first use, inside the running event loop."""
        if self._send is None:
            context = guard.ssl_context(self.settings.notifier_ca_file)
            transport = guard.GuardedTransport(self.policy, context)
            self._send = SendContext(
                client=guard.http_client(self.policy, context, transport),
                transport=transport,
                policy=self.policy,
                ssl=context,
                timeout=self.settings.notifier_attempt_timeout_seconds,
                sms_base_url=self.settings.notifier_sms_api_base_url,
            )
        return self._send

    async def close(self) -> None:
        if self._send is not None:
            client: httpx.AsyncClient = self._send.client
            await client.aclose()
            self._send = None

    @staticmethod
    def _aad(org_id: str, channel_id: int) -> bytes:
        # Binds the sealed value to its channel: a copied ciphertext does not open elsewhere.
        return f"notifier/channel/{org_id}/{channel_id}".encode()

    def seal(self, org_id: str, channel_id: int, secrets: dict[str, Any]) -> str:
        return self.box.seal(json.dumps(secrets).encode(), self._aad(org_id, channel_id))

    def open(self, org_id: str, channel_id: int, sealed: str) -> dict[str, Any]:
        return dict(json.loads(self.box.open(sealed, self._aad(org_id, channel_id))))
