"""Demo data for `make run`: the FOCUS sample as one account, and 180 days of generated
multi-provider history, in the org the gateway's bootstrap token belongs to ("default").

The sample is copied into the org's drop folder (`<COSTGRID_INGEST_FOCUS_ROOT>/default/`,
which `make run` sets to `.costgrid/focus`), and the account's path is relative to it, as any
tenant's must be; a copy, not a link, since links leading outside the folder are refused.

Idempotent across restarts: accounts are created once (by request_id); the FOCUS sample is
imported once; generated history is filled in only for the days not stored yet (up to
yesterday), through the same replace-window storage as a sync, so rollups and
`costs.updated` events (which fill budgets' read model) come out exactly as for real data.
Generated accounts are flagged `demo`: no sync, scheduled or manual, ever calls a provider
for them.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from demo.ingest_history import ACCOUNTS, DemoAccount, items
from services.common.db import Database
from services.common.logging import get_logger
from services.common.server import prepare_database
from services.common.settings import Settings
from services.ingest.connectors.focus_local import org_folder
from services.ingest.connectors.registry import account_config
from services.ingest.domain.cost_items import DateWindow
from services.ingest.repository import account_days, accounts
from services.ingest.repository.accounts import AccountRow
from services.ingest.settings import IngestSettings
from services.ingest.sync import runner

log = get_logger(__name__)
DEMO_ORG = "default"
HISTORY_DAYS = 180
REPO_ROOT = Path(__file__).resolve().parents[1]
FOCUS_SAMPLE = REPO_ROOT / "data" / "samples" / "focus-1.0" / "focus_sample.csv"
SAMPLE_PATH = "focus-sample/focus_sample.csv"  # in the demo org's drop folder


async def seed(settings: Settings) -> None:
    db = await prepare_database(settings, "ingest")
    try:
        root = IngestSettings.extending(settings).ingest_focus_root
        await _seed_focus(db, org_folder(root, DEMO_ORG))
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        for demo in ACCOUNTS:
            await _seed_history(db, demo, yesterday)
    finally:
        await db.dispose()


async def _account(
    db: Database, key: str, name: str, provider: str, settings: dict[str, str], demo: bool
) -> AccountRow:
    request_id = f"demo:{key}"
    async with db.transaction() as session:
        row = await accounts.by_request(session, DEMO_ORG, request_id)
        if row is None:
            await accounts.insert(
                session, DEMO_ORG, name, provider, settings, "", True, request_id, demo=demo
            )
            row = await accounts.by_request(session, DEMO_ORG, request_id)
    assert row is not None
    return row


async def _last_day(db: Database, account_id: int) -> date | None:
    async with db.transaction() as session:
        return await account_days.last_day(session, DEMO_ORG, account_id)


async def _seed_focus(db: Database, folder: Path | None) -> None:
    if not FOCUS_SAMPLE.is_file():
        log.warning("demo.focus_sample_missing", path=str(FOCUS_SAMPLE))
        return
    if folder is None:
        log.warning("demo.focus_root_unset", hint="set COSTGRID_INGEST_FOCUS_ROOT")
        return
    placed = folder / SAMPLE_PATH
    if not placed.is_file():
        placed.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FOCUS_SAMPLE, placed)
    settings = {"path": SAMPLE_PATH}
    account = await _account(
        db, "focus-sample", "FOCUS sample export", "FOCUS_FILE", settings, False
    )
    if account.settings != settings and not account.deleted_at:
        # Seeded before paths were confined to the drop folder: it held the host's path.
        async with db.transaction() as session:
            await accounts.update(session, account.id, {"settings": settings})
    if account.deleted_at or await _last_day(db, account.id) is not None:
        return
    config = account_config(account.provider, settings, {}, None, folder)
    produce = runner.focus_producer(config, runner.owner_of(account))
    result = await runner.store(db, account, None, produce)
    log.info("demo.focus_imported", account_id=account.id, rows=result.rows)


async def _seed_history(db: Database, demo: DemoAccount, yesterday: date) -> None:
    account = await _account(db, demo.key, demo.name, demo.provider, {}, True)
    if account.deleted_at:
        return
    # Growth starts where the history first began: fixed by the account, not by today.
    origin = account.created_at.date() - timedelta(days=HISTORY_DAYS)
    last = await _last_day(db, account.id)
    start = yesterday - timedelta(days=HISTORY_DAYS - 1)
    if last is not None and await _still_generated(db, demo, account, last, origin):
        if last >= yesterday:
            return
        # Like a real sync, re-read the last days stored: their provisional figures settle.
        start = max(start, last - timedelta(days=2))
    window = DateWindow(start, yesterday)
    owner = runner.owner_of(account)
    provisional = yesterday - timedelta(days=1)
    produce = runner.items_producer(lambda: items(demo, window, origin, provisional), owner, window)
    result = await runner.store(db, account, window, produce)
    log.info("demo.history_generated", account_id=account.id, rows=result.rows, start=str(start))


async def _still_generated(
    db: Database, demo: DemoAccount, account: AccountRow, day: date, origin: date
) -> bool:
    """Whether the stored figures are what the generator makes today; if the generator
    changed since, the whole history is written again."""
    expected = sum(i.billed_cost for i in items(demo, DateWindow(day, day), origin, day))
    async with db.transaction() as session:
        stored = await account_days.day_total(session, DEMO_ORG, account.id, day)
    return bool(stored == expected)
