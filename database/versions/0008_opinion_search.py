"""opinion search index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22

Indexes for the 社情民意 list at the size of a decade of a large township: the item number alone,
and the village and category filters' lists of values. On SQLite, the full-text index of the
search box (see presidium_app/storage/search_text.py): an FTS5 table, one row per item, kept by
triggers, filled here for the items already recorded.

A later migration that rebuilds `opinion` or `submitter` in batch mode drops these triggers:
it must create them again (tests/test_opinion_search.py checks they exist at head).
"""

import sqlalchemy as sa
from alembic import op

from presidium_app.storage.search_text import FUNCTION, PHONE_FUNCTION, phone_text, register, search_text

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ROW = (f"{FUNCTION}(new.content, new.village, (SELECT name FROM submitter WHERE id = new.submitter_id)),"
        f" {PHONE_FUNCTION}((SELECT phone FROM submitter WHERE id = new.submitter_id))")
TRIGGERS = (
    f"""CREATE TRIGGER opinion_search_insert AFTER INSERT ON opinion BEGIN
        INSERT INTO opinion_search(rowid, body, phone) VALUES (new.id, {_ROW});
    END""",
    f"""CREATE TRIGGER opinion_search_update AFTER UPDATE OF content, village, submitter_id ON opinion BEGIN
        DELETE FROM opinion_search WHERE rowid = old.id;
        INSERT INTO opinion_search(rowid, body, phone) VALUES (new.id, {_ROW});
    END""",
    """CREATE TRIGGER opinion_search_delete AFTER DELETE ON opinion BEGIN
        DELETE FROM opinion_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER opinion_search_submitter AFTER UPDATE OF name, phone ON submitter BEGIN
        DELETE FROM opinion_search WHERE rowid IN (SELECT id FROM opinion WHERE submitter_id = new.id);
        INSERT INTO opinion_search(rowid, body, phone)
            SELECT id, {FUNCTION}(content, village, new.name), {PHONE_FUNCTION}(new.phone) FROM opinion
            WHERE submitter_id = new.id;
    END""",
)


def upgrade() -> None:
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.create_index("ix_opinion_seq", ["seq"], unique=False)
        batch_op.create_index("ix_opinion_village", ["village"], unique=False)
        batch_op.create_index("ix_opinion_category", ["category"], unique=False)
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    register(bind.connection.driver_connection)  # alembic run from the command line has no hook
    op.execute("CREATE VIRTUAL TABLE opinion_search USING fts5(body, phone, tokenize = 'unicode61')")
    for trigger in TRIGGERS:
        op.execute(trigger)
    rows = bind.execute(sa.text(
        "SELECT o.id, o.content, o.village, s.name, s.phone FROM opinion o"
        " LEFT JOIN submitter s ON s.id = o.submitter_id")).all()
    if rows:
        bind.execute(sa.text("INSERT INTO opinion_search(rowid, body, phone) VALUES (:id, :body, :phone)"),
                     [{"id": r[0], "body": search_text(*r[1:4]), "phone": phone_text(r[4])} for r in rows])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("opinion_search_insert", "opinion_search_update", "opinion_search_delete",
                     "opinion_search_submitter"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS opinion_search")
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.drop_index("ix_opinion_category")
        batch_op.drop_index("ix_opinion_village")
        batch_op.drop_index("ix_opinion_seq")
