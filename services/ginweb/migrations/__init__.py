"""Alembic revisions of ginweb's database (run by :mod:`services.common.migrate`)."""
