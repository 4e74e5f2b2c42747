"""Wiring of the ingest service: its deps, servicers and background loops.

Background loops: `COSTGRID_INGEST_WORKERS` sync workers on the work queue, and the
scheduler of periodic syncs (see services/ingest/settings.py for the knobs).
"""

from __future__ import annotations

from typing import cast

from services.common.crypto import SecretBox
from services.common.server import Loop, Runtime, ServiceDefinition
from services.ingest.api import servicers
from services.ingest.deps import Deps
from services.ingest.settings import IngestSettings
from services.ingest.sync.scheduler import Scheduler
from services.ingest.sync.worker import SyncWorker


def deps_of(runtime: Runtime) -> Deps:
    settings = cast(IngestSettings, runtime.settings)  # the kit built it from `settings=`
    box = SecretBox.from_setting(settings.encryption_keys.get_secret_value())
    return Deps(runtime.db, box, runtime.signing_key, settings, runtime.messaging)


def definition() -> ServiceDefinition[Deps]:
    """Settings are COSTGRID_INGEST_* from the environment (or the IngestSettings given to
    `start`)."""

    def background(deps: Deps) -> list[Loop]:
        workers = [
            SyncWorker(deps, deps.messaging).run for _ in range(deps.settings.ingest_workers)
        ]
        return [*workers, Scheduler(deps).run]

    return ServiceDefinition(
        name="ingest",
        settings=IngestSettings,
        deps=deps_of,
        register=servicers.register,
        background=background,
    )
