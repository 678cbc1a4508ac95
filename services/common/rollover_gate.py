"""The rollover's gate in front of a service's exports, written once for bee and sts.

An export of a year that is being prepared (N+1) is refused until the school's step for that service is
done; and an export of a year the service does not hold, for a school it holds the year before, says
``annee-non-ouverte`` (a step is missing) rather than ``annee-inconnue`` (no such year at all).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import DomainError
from services.common.exports import Export, ExportRequest
from services.common.pull.journal import Scope
from services.common.rollover import year_not_open

ExportService = Callable[[AsyncSession, ExportRequest, datetime], Awaitable[Export]]
OpenCheck = Callable[[AsyncSession, Scope], Awaitable[None]]
HeldCheck = Callable[[AsyncSession, Scope], Awaitable[bool]]


def gated_exports(
    service: str, export: ExportService, ensure_open: OpenCheck, holds: HeldCheck
) -> ExportService:
    async def export_if_open(session: AsyncSession, request: ExportRequest, now: datetime) -> Export:
        scope = Scope(request.uai, request.year)
        await ensure_open(session, scope)
        try:
            return await export(session, request, now)
        except DomainError as error:
            if error.code == "annee-inconnue" and await holds(session, Scope(scope.uai, scope.year - 1)):
                raise year_not_open(service, scope.uai, scope.year) from error
            raise

    return export_if_open
