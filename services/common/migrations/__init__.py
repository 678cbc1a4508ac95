"""The one Alembic environment every service's migrations run in (see :mod:`services.common.migrate`)."""
