"""Demo budgets for `make run`: created once, found again on the next start."""

from sqlalchemy import text

from demo import budgets as demo
from services.common.server import prepare_database


async def test_demo_budgets_are_seeded_once(settings):
    db = await prepare_database(settings, "budgets")
    try:
        await demo.seed(settings)
        await demo.seed(settings)
        async with db.transaction() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT request_id, name FROM budgets "
                        "WHERE org_id = 'default' AND request_id LIKE 'demo:%' ORDER BY request_id"
                    )
                )
            ).all()
    finally:
        await db.dispose()
    assert [r.request_id for r in rows] == sorted(demo.BUDGETS)
    assert {r.name for r in rows} == {spec.name for spec in demo.BUDGETS.values()}
