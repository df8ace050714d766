"""attachment version

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

An attachment's caption can be edited after it is added, so it gets a version column for
optimistic locking like every other editable record; existing rows start at 1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("version")
