"""Wiring of the ingest service: settings and connections to servicers, consumers and loops.

Background loops: `COSTGRID_INGEST_WORKERS` sync workers on the work queue, and the
scheduler of periodic syncs (see services/ingest/config.py for the knobs).
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from services.common.crypto import SecretBox
from services.common.server import Loop, Runtime, ServiceDefinition
from services.ingest import api
from services.ingest.config import IngestSettings
from services.ingest.deps import Deps
from services.ingest.scheduler import Scheduler
from services.ingest.worker import SyncWorker


def deps_of(runtime: Runtime, config: IngestSettings) -> Deps:
    assert runtime.db is not None
    box = SecretBox.from_setting(runtime.settings.encryption_keys.get_secret_value())
    return Deps(db=runtime.db, box=box, page_secret=runtime.signing_key, config=config)


def definition(config: IngestSettings | None = None) -> ServiceDefinition:
    ingest = config or IngestSettings()

    def register(server: grpc.aio.Server, runtime: Runtime) -> Iterable[str]:
        return api.register(server, runtime, deps_of(runtime, ingest))

    def background(runtime: Runtime) -> list[Loop]:
        assert runtime.messaging is not None
        deps = deps_of(runtime, ingest)
        workers = [SyncWorker(deps, runtime.messaging).run for _ in range(ingest.workers)]
        return [*workers, Scheduler(deps).run]

    return ServiceDefinition(name="ingest", register=register, background=background)
