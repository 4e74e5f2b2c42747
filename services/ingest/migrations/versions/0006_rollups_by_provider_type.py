"""Rollups keyed by provider type: the cloud that billed a cost (domain/provider_types).

A FOCUS source holds several clouds' bills (the FOCUS sample: AWS, Microsoft and Oracle), so
grouping its cost by the account's provider showed one "FOCUS file". `provider_type` joins
the keys of `daily_rollups` and of `daily_account_totals`, so a breakdown by provider type
still reads the small per-account table.

Existing rollups: a connector account's rows take its own type; a FOCUS account's rollups
are summed again from its line items (storage always writes both together), split by their
ProviderName through the same mapping storage uses.

Revision ID: 0006
Revises: 0005
"""

from alembic import op
from sqlalchemy import text

from services.ingest.domain.provider_types import ACCOUNT_TYPES, provider_type

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_KEY = "org_id, day, account_id, provider, currency"
KEY = "org_id, day, account_id, provider, provider_type, currency"
ROLLUP_KEY = "org_id, account_id, day, provider, {}service, region, currency"


def _totals_function(key: str) -> str:
    """The trigger function of migration 0003, for `key`."""
    match = ", ".join(f"t.{c.strip()}" for c in key.split(","))
    source = ", ".join(f"o.{c.strip()}" for c in key.split(","))
    return f"""
    CREATE OR REPLACE FUNCTION daily_account_totals_apply() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE daily_account_totals t
               SET amount = t.amount - o.amount, rollups = t.rollups - o.rollups
              FROM (SELECT {key}, sum(amount) AS amount, count(*) AS rollups
                      FROM old_rows GROUP BY {key}) o
             WHERE ({match}) = ({source});
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO daily_account_totals AS t ({key}, amount, rollups)
            SELECT {key}, sum(amount), count(*) FROM new_rows GROUP BY {key}
            ON CONFLICT ({key}) DO UPDATE
               SET amount = t.amount + excluded.amount, rollups = t.rollups + excluded.rollups;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM daily_account_totals t USING (SELECT DISTINCT {key} FROM old_rows) o
             WHERE ({match}) = ({source}) AND t.rollups = 0;
        END IF;
        RETURN NULL;
    END
    $$
    """


def _set_triggers(enabled: bool) -> None:
    action = "ENABLE" if enabled else "DISABLE"
    for operation in ("insert", "update", "delete"):
        op.execute(f"ALTER TABLE daily_rollups {action} TRIGGER daily_rollups_totals_{operation}")


def _focus_rollups() -> None:
    """FOCUS rollups again from their line items, one row per provider type."""
    bind = op.get_bind()
    names = [
        row[0]
        for row in bind.execute(
            text("SELECT DISTINCT provider_name FROM cost_line_items WHERE provider = 'FOCUS_FILE'")
        )
    ]
    op.execute("DELETE FROM daily_rollups WHERE provider = 'FOCUS_FILE'")
    bind.execute(
        text(
            "INSERT INTO daily_rollups (org_id, account_id, day, provider, provider_type,"
            " service, region, currency, amount, provisional)"
            " SELECT i.org_id, i.account_id, i.charge_day, i.provider, m.provider_type,"
            " i.service_name, i.region_id, i.billing_currency, sum(i.billed_cost),"
            " bool_or(i.provisional)"
            " FROM cost_line_items i JOIN unnest(CAST(:names AS text[]), CAST(:types AS text[]))"
            " AS m (provider_name, provider_type) ON m.provider_name = i.provider_name"
            " WHERE i.provider = 'FOCUS_FILE'"
            " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
        ),
        {"names": names, "types": [provider_type("FOCUS_FILE", n) for n in names]},
    )


def _rebuild_totals(key: str) -> None:
    op.execute(_totals_function(key))
    op.execute("DELETE FROM daily_account_totals")
    op.execute(
        "ALTER TABLE daily_account_totals DROP CONSTRAINT IF EXISTS daily_account_totals_pkey"
    )
    op.execute(f"ALTER TABLE daily_account_totals ADD PRIMARY KEY ({key})")
    op.execute(
        f"INSERT INTO daily_account_totals ({key}, amount, rollups)"
        f" SELECT {key}, sum(amount), count(*) FROM daily_rollups GROUP BY {key}"
    )


def upgrade() -> None:
    _set_triggers(False)
    op.execute("ALTER TABLE daily_rollups ADD COLUMN provider_type text")
    cases = " ".join(f"WHEN '{name}' THEN '{kind}'" for name, kind in ACCOUNT_TYPES.items())
    op.execute(f"UPDATE daily_rollups SET provider_type = CASE provider {cases} END")
    op.execute("ALTER TABLE daily_rollups DROP CONSTRAINT daily_rollups_pkey")
    _focus_rollups()
    # No default: a writer that forgets the key fails instead of filing cost under ''.
    op.execute("ALTER TABLE daily_rollups ALTER COLUMN provider_type SET NOT NULL")
    op.execute(
        f"ALTER TABLE daily_rollups ADD PRIMARY KEY ({ROLLUP_KEY.format('provider_type, ')})"
    )
    op.execute("ALTER TABLE daily_account_totals ADD COLUMN provider_type text")
    _rebuild_totals(KEY)
    op.execute("ALTER TABLE daily_account_totals ALTER COLUMN provider_type SET NOT NULL")
    _set_triggers(True)


def downgrade() -> None:
    _set_triggers(False)
    # A FOCUS account's rows of several types fold back into one per key.
    op.execute(
        "CREATE TEMP TABLE folded ON COMMIT DROP AS"
        " SELECT org_id, account_id, day, provider, service, region, currency,"
        " sum(amount) AS amount, bool_or(provisional) AS provisional"
        " FROM daily_rollups GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    op.execute("DELETE FROM daily_rollups")
    op.execute("ALTER TABLE daily_rollups DROP COLUMN provider_type")
    op.execute(f"ALTER TABLE daily_rollups ADD PRIMARY KEY ({ROLLUP_KEY.format('')})")
    op.execute(
        "INSERT INTO daily_rollups (org_id, account_id, day, provider, service, region,"
        " currency, amount, provisional) SELECT * FROM folded"
    )
    op.execute("ALTER TABLE daily_account_totals DROP COLUMN provider_type")
    _rebuild_totals(OLD_KEY)
    _set_triggers(True)
