"""Alembic environment: the engine comes from the app (config.attributes), never from an ini."""

from alembic import context

from presidium_app.domain.models import Base
from presidium_app.storage.migrations import include_object

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` on the command line, for writing new revisions
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")

with engine.begin() as connection:
    context.configure(
        include_object=include_object,
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table
        compare_type=True,
    )
    context.run_migrations()
