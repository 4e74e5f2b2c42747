"""What the ingest handlers need at hand, built once at start-up by the kit: the database,
NATS, the secret box, keys and settings."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.crypto import SecretBox
from services.common.db import Database
from services.common.messaging import Messaging
from services.ingest.settings import IngestSettings


@dataclass(frozen=True)
class Deps:
    db: Database
    box: SecretBox
    page_secret: bytes  # signs page tokens
    settings: IngestSettings
    messaging: Messaging  # sync workers take tasks from the work queue
