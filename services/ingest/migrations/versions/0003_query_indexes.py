"""What makes the cost queries fast: per-account daily totals kept by triggers, and covering
indexes.

A 10-million-line-item org has some 200k daily rollups (one per account, day, service,
region and currency); a 90-day trend would sum ~50k of them per call, which alone takes
15-20 ms. Most questions (overview, trends without a service or region split) only need
(account, day, provider, currency), about 40x fewer rows, so `daily_account_totals` keeps
exactly that. Statement triggers on `daily_rollups` maintain it in the same transaction as
any write there (insert, upsert, update, delete: a re-sync's replace included), so it is
never stale and the storage layer needs no change. `rollups` counts the contributing rows
so a group that loses all of them disappears instead of lingering as a zero.

Questions split by service or region, and by tags, read the rollups through covering
indexes (index-only scans over the org's days).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEY = "org_id, day, account_id, provider, currency"
STATEMENTS = (
    f"""
    CREATE TABLE daily_account_totals (
        org_id text NOT NULL,
        day date NOT NULL,
        account_id bigint NOT NULL,
        provider text NOT NULL,
        currency text NOT NULL,
        amount numeric NOT NULL,
        rollups bigint NOT NULL,
        PRIMARY KEY ({KEY})
    )
    """,
    f"""
    CREATE FUNCTION daily_account_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE daily_account_totals t
               SET amount = t.amount - o.amount, rollups = t.rollups - o.rollups
              FROM (SELECT {KEY}, sum(amount) AS amount, count(*) AS rollups
                      FROM old_rows GROUP BY {KEY}) o
             WHERE (t.org_id, t.day, t.account_id, t.provider, t.currency)
                 = (o.org_id, o.day, o.account_id, o.provider, o.currency);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO daily_account_totals AS t ({KEY}, amount, rollups)
            SELECT {KEY}, sum(amount), count(*) FROM new_rows GROUP BY {KEY}
            ON CONFLICT ({KEY}) DO UPDATE
               SET amount = t.amount + excluded.amount, rollups = t.rollups + excluded.rollups;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM daily_account_totals t USING (SELECT DISTINCT {KEY} FROM old_rows) o
             WHERE (t.org_id, t.day, t.account_id, t.provider, t.currency)
                 = (o.org_id, o.day, o.account_id, o.provider, o.currency)
               AND t.rollups = 0;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER daily_rollups_totals_insert AFTER INSERT ON daily_rollups
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION daily_account_totals_apply()
    """,
    """
    CREATE TRIGGER daily_rollups_totals_update AFTER UPDATE ON daily_rollups
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION daily_account_totals_apply()
    """,
    """
    CREATE TRIGGER daily_rollups_totals_delete AFTER DELETE ON daily_rollups
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION daily_account_totals_apply()
    """,
    f"""
    INSERT INTO daily_account_totals ({KEY}, amount, rollups)
    SELECT {KEY}, sum(amount), count(*) FROM daily_rollups GROUP BY {KEY}
    """,
    "CREATE INDEX daily_rollups_org_day_covering ON daily_rollups (org_id, day)"
    " INCLUDE (currency, provider, account_id, service, region, amount)",
    "CREATE INDEX daily_tag_rollups_org_key_day_covering ON daily_tag_rollups"
    " (org_id, tag_key, day) INCLUDE (currency, tag_value, account_id, amount)",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP INDEX daily_tag_rollups_org_key_day_covering")
    op.execute("DROP INDEX daily_rollups_org_day_covering")
    for operation in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER daily_rollups_totals_{operation} ON daily_rollups")
    op.execute("DROP FUNCTION daily_account_totals_apply()")
    op.execute("DROP TABLE daily_account_totals")
