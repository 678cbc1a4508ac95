"""Alembic revisions of bee's database (run by :mod:`services.common.migrate`)."""
