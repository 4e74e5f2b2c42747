"""What metering's servicers and loops need at hand, built once at start-up by the kit."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.db import Database
from services.common.messaging import Messaging
from services.metering.settings import MeteringSettings


@dataclass(frozen=True)
class Deps:
    db: Database
    messaging: Messaging
    settings: MeteringSettings
    page_secret: bytes  # signs page tokens
