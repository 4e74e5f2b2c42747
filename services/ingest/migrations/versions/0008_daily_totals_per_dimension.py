"""Daily totals per currency, per service and per region: the pre-aggregates of grouped trends.

An org of 1,000 accounts has ~60k rollups a day, so a 90-day trend split by service summed
5.4M rollup rows per call (seconds). The answer only needs (day, service, currency) -> amount,
some 600 rows a day, and a trend without a split only (day, currency). Like
`daily_account_totals` (migration 0003), each table is kept by statement triggers on
`daily_rollups`, in the same transaction as any write there (a re-sync's replace and an
account's deletion included), so it is never stale; `rollups` counts the contributing rows so
a group that loses all of them disappears instead of lingering as a zero. Filtered questions
(some accounts, one provider) still read the rollups: these tables have no account column.

Unlike the per-account totals, these rows are shared by every account of an org, so two
transactions writing rollups of one org would lock them in different orders and could
deadlock. The triggers therefore take an advisory lock per org first: writers of one org's
rollups take turns from their first rollup write to their commit (storage writes rollups at
the end of a store, so the turn is short).

Existing rollups are summed into the new tables once, here.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# table -> its key after org_id and day; in the order a trend reads it (a day's groups per
# currency), so its primary key hands them over sorted.
TABLES = {
    "daily_currency_totals": ("currency",),
    "daily_service_totals": ("currency", "service"),
    "daily_region_totals": ("currency", "region"),
}
OPERATIONS = ("insert", "update", "delete")
LOCK = "pg_advisory_xact_lock(hashtext('ingest:daily-totals:' || o.org_id))"


def _key(columns: tuple[str, ...]) -> str:
    return ", ".join(("org_id", "day", *columns))


def _apply_function(table: str, columns: tuple[str, ...]) -> str:
    """Old rows subtracted, new rows added, groups left without rollups removed."""
    key = _key(columns)
    match = (
        f"({', '.join(f't.{c}' for c in key.split(', '))})"
        + " = "
        + (f"({', '.join(f'o.{c}' for c in key.split(', '))})")
    )
    return f"""
    CREATE FUNCTION {table}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            PERFORM {LOCK} FROM (SELECT DISTINCT org_id FROM old_rows ORDER BY 1) o;
        ELSE
            PERFORM {LOCK} FROM (SELECT DISTINCT org_id FROM new_rows ORDER BY 1) o;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE {table} t
               SET amount = t.amount - o.amount, rollups = t.rollups - o.rollups
              FROM (SELECT {key}, sum(amount) AS amount, count(*) AS rollups
                      FROM old_rows GROUP BY {key}) o
             WHERE {match};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO {table} AS t ({key}, amount, rollups)
            SELECT {key}, sum(amount), count(*) FROM new_rows GROUP BY {key}
            ON CONFLICT ({key}) DO UPDATE
               SET amount = t.amount + excluded.amount, rollups = t.rollups + excluded.rollups;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM {table} t USING (SELECT DISTINCT {key} FROM old_rows) o
             WHERE {match} AND t.rollups = 0;
        END IF;
        RETURN NULL;
    END
    $$
    """


def _trigger(table: str, operation: str) -> str:
    transitions = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }[operation]
    return (
        f"CREATE TRIGGER {table}_{operation} AFTER {operation.upper()} ON daily_rollups"
        f" REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION {table}_apply()"
    )


def upgrade() -> None:
    for table, columns in TABLES.items():
        key = _key(columns)
        text_columns = "".join(f"{c} text NOT NULL, " for c in columns)
        op.execute(
            f"CREATE TABLE {table} (org_id text NOT NULL, day date NOT NULL, {text_columns}"
            f"amount numeric NOT NULL, rollups bigint NOT NULL,"
            # Covering: a trend is an index-only scan of the org's days.
            f" PRIMARY KEY ({key}) INCLUDE (amount))"
        )
        op.execute(_apply_function(table, columns))
        for operation in OPERATIONS:
            op.execute(_trigger(table, operation))
        op.execute(
            f"INSERT INTO {table} ({key}, amount, rollups)"
            f" SELECT {key}, sum(amount), count(*) FROM daily_rollups GROUP BY {key}"
        )
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    for table in TABLES:
        for operation in OPERATIONS:
            op.execute(f"DROP TRIGGER {table}_{operation} ON daily_rollups")
        op.execute(f"DROP FUNCTION {table}_apply()")
        op.execute(f"DROP TABLE {table}")
