"""Alembic revisions of supervision's database (run by :mod:`services.common.migrate`)."""
