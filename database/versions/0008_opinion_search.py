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

import sqlite3
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The index's text as this migration writes it, kept here so that a later change of the app's
# storage/search_text.py does not change this migration. The triggers call the functions by name:
# on an app connection they run the app's current ones (storage/database.py registers them).
_FUNCTION = "presidium_search_text"
_PHONE_FUNCTION = "presidium_phone_text"
_BREAK = "qq"


def _kept(character: str) -> bool:
    """Frozen copy of storage/search_text.py's _kept as of this migration."""
    return unicodedata.category(character)[0] in "LN"


def _search_text(*fields: str | None) -> str:
    """Frozen copy of storage/search_text.py's search_text as of this migration."""
    words: list[str] = []
    for value in fields:
        for character in f"{value or ''} ":
            if _kept(character):
                words.append(character)
            elif words and words[-1] != _BREAK:
                words.append(_BREAK)
    return " ".join(words[:-1] if words and words[-1] == _BREAK else words)


def _phone_text(phone: str | None) -> str:
    """Frozen copy of storage/search_text.py's phone_text as of this migration."""
    return " ".join(reversed([c for c in phone or "" if c.isdigit()]))


def _register_if_missing(connection: sqlite3.Connection) -> None:
    """Alembic run from the command line has no app hook: the copies make the triggers work for
    the rest of the run. An app connection keeps the app's own functions (it goes back to the pool)."""
    try:
        connection.execute(f"SELECT {_FUNCTION}(''), {_PHONE_FUNCTION}('')").fetchall()
    except sqlite3.OperationalError:
        connection.create_function(_FUNCTION, -1, _search_text, deterministic=True)
        connection.create_function(_PHONE_FUNCTION, 1, _phone_text, deterministic=True)


_ROW = (f"{_FUNCTION}(new.content, new.village, (SELECT name FROM submitter WHERE id = new.submitter_id)),"
        f" {_PHONE_FUNCTION}((SELECT phone FROM submitter WHERE id = new.submitter_id))")
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
            SELECT id, {_FUNCTION}(content, village, new.name), {_PHONE_FUNCTION}(new.phone) FROM opinion
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
    _register_if_missing(bind.connection.driver_connection)
    op.execute("CREATE VIRTUAL TABLE opinion_search USING fts5(body, phone, tokenize = 'unicode61')")
    for trigger in TRIGGERS:
        op.execute(trigger)
    rows = bind.execute(sa.text(
        "SELECT o.id, o.content, o.village, s.name, s.phone FROM opinion o"
        " LEFT JOIN submitter s ON s.id = o.submitter_id")).all()
    if rows:
        bind.execute(sa.text("INSERT INTO opinion_search(rowid, body, phone) VALUES (:id, :body, :phone)"),
                     [{"id": r[0], "body": _search_text(*r[1:4]), "phone": _phone_text(r[4])} for r in rows])


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
