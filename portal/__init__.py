"""Public supervision and feedback portal for the cadre work of organization departments."""

from portal.app import create_app

__all__ = ["create_app"]
