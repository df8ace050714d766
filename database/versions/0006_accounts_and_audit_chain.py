"""accounts and audit chain

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

Entries logged before this migration are chained here, in id order, so `presidium check` can
verify the whole log from the first entry on.
"""

import sqlalchemy as sa
from alembic import op

from presidium_app.domain.audit import GENESIS, chain_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("name", name=op.f("uq_user_account_name")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False,
                                      server_default=GENESIS))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=False,
                                      server_default=""))

    connection = op.get_bind()
    log = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime),
                   sa.column("user", sa.String), sa.column("action", sa.String),
                   sa.column("object_type", sa.String), sa.column("object_id", sa.Integer),
                   sa.column("summary", sa.Text), sa.column("before", sa.Text),
                   sa.column("after", sa.Text), sa.column("success", sa.Boolean),
                   sa.column("prev_hash", sa.String), sa.column("entry_hash", sa.String))
    previous, count = GENESIS, 0
    rows = connection.execute(sa.select(log).order_by(log.c.id)).all()
    for row in rows:
        digest = chain_hash(previous, row.at, row.user, row.action, row.object_type or "", row.object_id,
                            row.summary or "", row.before, row.after, row.success)
        connection.execute(log.update().where(log.c.id == row.id)
                           .values(prev_hash=previous, entry_hash=digest))
        previous, count = digest, count + 1
    head = sa.table("audit_chain_head", sa.column("id", sa.Integer), sa.column("entries", sa.Integer),
                    sa.column("last_hash", sa.String))
    connection.execute(head.insert().values(id=1, entries=count, last_hash=previous))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
    op.drop_table("user_account")
    op.drop_table("audit_chain_head")
