"""Demo budgets for `make run`, in the org the gateway's bootstrap token belongs to ("default").

Created through the same handler as the API (as a system caller), idempotent on request ids,
so a second `make run` finds them and adds nothing. Their status, burn rate and alerts fill in
as the demo history's `costs.updated` events reach budgets' read model.
"""

from __future__ import annotations

from decimal import Decimal

from services.budgets.deps import Deps
from services.budgets.domain.budget import BudgetSpec, Scope
from services.budgets.domain.periods import PeriodKind
from services.budgets.handlers import budgets as handlers
from services.common.caller import reset_caller, set_caller, system_caller
from services.common.db import Database
from services.common.settings import Settings

DEMO_ORG = "default"
PROVIDER_AWS = 1  # costgrid.common.v1.Provider

BUDGETS = {
    "demo:monthly-cloud": BudgetSpec(
        "Monthly cloud spend",
        Decimal("30000"),
        "USD",
        PeriodKind.MONTHLY,
        Decimal("80"),
        Scope(),
        alert_on_forecast=True,
    ),
    "demo:aws-monthly": BudgetSpec(
        "AWS, all accounts",
        Decimal("20000"),
        "USD",
        PeriodKind.MONTHLY,
        Decimal("90"),
        Scope(provider=PROVIDER_AWS),
        alert_on_forecast=False,
    ),
    "demo:quarterly-cloud": BudgetSpec(
        "Quarterly cloud spend",
        Decimal("80000"),
        "USD",
        PeriodKind.QUARTERLY,
        Decimal("80"),
        Scope(),
        alert_on_forecast=True,
    ),
}


async def seed(settings: Settings) -> None:
    db = Database.for_service(settings, "budgets")
    deps = Deps(db, settings.context_signing_key.get_secret_value().encode())
    token = set_caller(system_caller(DEMO_ORG, "budgets"))
    try:
        for request_id, spec in BUDGETS.items():
            await handlers.create(deps, spec, request_id)
    finally:
        reset_caller(token)
        await db.dispose()
