"""Invoices, their lines, per-(org, year) number counters, billing settings, issuer profiles.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DDL = (
    """
    CREATE TABLE invoice_counters (
        org_id text NOT NULL,
        year int NOT NULL,
        last_sequence int NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
        PRIMARY KEY (org_id, year)
    )
    """,
    """
    CREATE TABLE invoices (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        number_year int NOT NULL,
        number_sequence int NOT NULL CHECK (number_sequence > 0),
        number text NOT NULL,
        status text NOT NULL CHECK (status IN ('DRAFT', 'PENDING', 'PAID', 'OVERDUE')),
        source text NOT NULL CHECK (source IN ('CLOUD_COSTS', 'METERING')),
        account_id bigint NOT NULL DEFAULT 0,
        tenant_id text NOT NULL DEFAULT '',
        metering_statement_id bigint,
        client_name text NOT NULL,
        client_address text NOT NULL DEFAULT '',
        period_year int NOT NULL,
        period_month int NOT NULL CHECK (period_month BETWEEN 1 AND 12),
        period_start date NOT NULL,
        period_end date NOT NULL,
        currency char(3) NOT NULL,
        amount numeric NOT NULL,
        notes text NOT NULL DEFAULT '',
        issue_date date,
        due_date date,
        paid_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, number_year, number_sequence),
        UNIQUE (org_id, number),
        CHECK ((status = 'DRAFT') = (issue_date IS NULL)),
        CHECK ((status = 'PAID') = (paid_at IS NOT NULL))
    )
    """,
    # One cloud cost invoice per account, month and currency; one invoice per statement.
    """
    CREATE UNIQUE INDEX invoices_cloud_period ON invoices
        (org_id, account_id, period_year, period_month, currency) WHERE source = 'CLOUD_COSTS'
    """,
    """
    CREATE UNIQUE INDEX invoices_statement ON invoices (org_id, metering_statement_id)
        WHERE metering_statement_id IS NOT NULL
    """,
    "CREATE INDEX invoices_pending_due ON invoices (due_date) WHERE status = 'PENDING'",
    "CREATE INDEX invoices_org_newest ON invoices (org_id, id DESC)",
    """
    CREATE TABLE invoice_lines (
        invoice_id bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
        position int NOT NULL,
        description text NOT NULL,
        category text NOT NULL,
        quantity numeric,
        unit text NOT NULL DEFAULT '',
        unit_price numeric,
        amount numeric NOT NULL,
        PRIMARY KEY (invoice_id, position)
    )
    """,
    """
    CREATE TABLE account_billing_settings (
        org_id text NOT NULL,
        account_id bigint NOT NULL,
        markup_percent numeric NOT NULL DEFAULT 0,
        payment_terms_days int NOT NULL DEFAULT 30,
        client_name text NOT NULL DEFAULT '',
        client_address text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, account_id)
    )
    """,
    """
    CREATE TABLE issuer_profiles (
        org_id text PRIMARY KEY,
        name text NOT NULL,
        address text NOT NULL DEFAULT '',
        email text NOT NULL DEFAULT '',
        tax_id text NOT NULL DEFAULT '',
        payment_instructions text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
)


def upgrade() -> None:
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "issuer_profiles",
        "account_billing_settings",
        "invoice_lines",
        "invoices",
        "invoice_counters",
    ):
        op.execute(f"DROP TABLE {table}")
