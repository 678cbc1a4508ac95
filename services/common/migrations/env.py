"""Alembic's entry point: everything is configured by :mod:`services.common.migrate`, never by a file."""

from typing import cast

from alembic import context
from alembic.runtime.environment import EnvironmentContext

from services.common.migrate import run_in_context

# `alembic.context` is a proxy module standing for the EnvironmentContext of the running command.
run_in_context(cast(EnvironmentContext, context))
