"""What the notifier's servicer, consumers and delivery worker share, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.db import Database
from services.notifier.delivery.context import NotifierContext
from services.notifier.delivery.worker import DeliveryWorker


@dataclass(frozen=True)
class Deps:
    db: Database
    context: NotifierContext
    worker: DeliveryWorker
