"""`make migrate`: provision each service's role and schema, then apply its migrations."""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import ModuleType

from services.common.server import prepare_database
from services.common.settings import SERVICES, Settings, load_settings


async def migrate_all(settings: Settings) -> None:
    forced = settings.model_copy(update={"auto_migrate": True})
    for service in SERVICES:
        db = await prepare_database(forced, service)
        await db.dispose()
        print(f"migrated {service}", flush=True)


async def seed_demo(settings: Settings) -> None:
    """Each service may ship `demo/<name>.py` with an idempotent `seed(settings)`."""
    for service in SERVICES:
        demo = _demo_of(service)
        if demo is None:
            continue
        await demo.seed(settings)
        print(f"seeded demo data for {service}", flush=True)


def _demo_of(service: str) -> ModuleType | None:
    module = f"demo.{service}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the demo exists but something it imports does not
            raise
    return None


def main(argv: list[str]) -> int:
    import os
    from pathlib import Path

    from tools.run import ROOT, environment

    os.environ.update(environment(Path(os.environ.get("COSTGRID_STATE_DIR", ROOT / ".costgrid"))))
    settings = load_settings()
    asyncio.run(migrate_all(settings))
    if "--demo" in argv:
        asyncio.run(seed_demo(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
