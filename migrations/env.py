"""Alembic environment, driven by Flask-Migrate: ``flask --app portal db upgrade``."""

import logging
import warnings
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.exc import SAWarning

config = context.config
# Keep the application's loggers alive: the default would silence every existing logger.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def _render_item(type_, obj, autogen_context):
    # Aware timestamps are plain timezone-aware DateTime columns in the schema; the
    # application's TypeDecorator only adds the UTC conversion in Python.
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


#: Database objects the migrations create by hand, outside the models' metadata: the SQLite
#: FTS5 index (and its shadow tables), the PostgreSQL GIN index of case search, and the
#: expression index that keeps deadline rules unique.
UNMODELLED_PREFIXES = ("case_search_fts", "ix_case_search_tsv", "uq_deadline_rules_scope")


# SQLite cannot reflect those expression indexes; comparing the schema then warns about
# objects that are left out of the comparison on purpose.
warnings.filterwarnings(
    "ignore",
    message="Skipped unsupported reflection of expression-based index",
    category=SAWarning,
)


def _include_name(name, type_, parent_names):
    return not (name or "").startswith(UNMODELLED_PREFIXES)


def run_migrations_offline():
    """Emit the migrations as SQL without a database."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=_render_item,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(context, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online():
    """Run the migrations on the application's database."""
    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    configure_args.pop("render_as_batch", None)
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite rebuilds tables to alter them; with foreign keys on, dropping the old
            # table would cascade. The pragma only works outside a transaction.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=db.metadata,
                render_as_batch=sqlite,
                render_item=_render_item,
                include_name=_include_name,
                **configure_args,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if problems:
                        raise RuntimeError(f"foreign key violations after migrating: {problems}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
