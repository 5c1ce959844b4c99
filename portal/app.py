"""The application factory: configuration, extensions, blueprints, error pages, commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from portal import auth, config, database, errors, i18n, routing, security
from portal.extensions import babel, csrf, db, limiter, migrate
from portal.requests import PortalRequest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
MIGRATIONS = ROOT / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and wire up the portal; it never migrates or seeds anything itself."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(TEMPLATES))
    app.request_class = PortalRequest
    routing.init_app(app)
    app.config.from_object(config.Defaults)
    if test_config is None:
        app.config.from_prefixed_env("PORTAL")
    else:
        app.config.from_mapping(test_config)
    config.finalize(app)

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            database.configure_engine(engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS), compare_type=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        default_locale=i18n.DEFAULT_LOCALE,
        default_timezone=app.config["BABEL_DEFAULT_TIMEZONE"],
        locale_selector=i18n.select_locale,
    )
    limiter.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    security.init_app(app)

    _register_blueprints(app)
    errors.init_app(app)
    _register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from moderation import console
    from portal.views import public

    app.register_blueprint(public)
    app.register_blueprint(console, url_prefix="/console")


def _register_commands(app: Flask) -> None:
    from portal.commands import commands

    for command in commands:
        app.cli.add_command(command)
