"""Wiring of the ingest service: its deps, servicers and background loops.

Background loops: `COSTGRID_INGEST_WORKERS` sync workers on the work queue, and the
scheduler of periodic syncs (see services/ingest/config.py for the knobs).
"""

from __future__ import annotations

from services.common.crypto import SecretBox
from services.common.server import Loop, Runtime, ServiceDefinition
from services.ingest import api
from services.ingest.config import IngestSettings
from services.ingest.deps import Deps
from services.ingest.scheduler import Scheduler
from services.ingest.worker import SyncWorker


def deps_of(runtime: Runtime, config: IngestSettings) -> Deps:
    box = SecretBox.from_setting(runtime.settings.encryption_keys.get_secret_value())
    return Deps(runtime.db, box, runtime.signing_key, config, runtime.messaging)


def definition(config: IngestSettings | None = None) -> ServiceDefinition[Deps]:
    ingest = config or IngestSettings()

    def background(deps: Deps) -> list[Loop]:
        workers = [SyncWorker(deps, deps.messaging).run for _ in range(ingest.workers)]
        return [*workers, Scheduler(deps).run]

    return ServiceDefinition(
        name="ingest",
        deps=lambda runtime: deps_of(runtime, ingest),
        register=api.register,
        background=background,
    )
