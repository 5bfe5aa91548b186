"""The studio: a local web UI to browse, edit and understand the database."""

from puckdb.studio.app import StudioConfig, create_app

__all__ = ["StudioConfig", "create_app"]
