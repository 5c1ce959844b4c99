"""Command-line commands: ``flask --app portal <command>``."""

from portal.cli_accounts import create_admin
from portal.cli_audit import audit_command
from portal.cli_reviews import reviews_command
from portal.demo.command import seed_demo
from portal.loadgen import seed_load

commands: list = [seed_demo, seed_load, create_admin, audit_command, reviews_command]
