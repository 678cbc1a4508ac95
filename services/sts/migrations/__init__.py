"""Alembic revisions of sts's database (run by :mod:`services.common.migrate`)."""
