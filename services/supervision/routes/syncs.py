"""JSON API: the journal (list, one sync), statistics, late schools, expiring certificates."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.common.academies import ACADEMIES, academie_by_slug
from services.common.openapi import problem_responses
from services.supervision import stats
from services.supervision.alerts.engine import utc_now
from services.supervision.deps import ScopeDep, SessionDep, StateDep, SupervisorDep
from services.supervision.queries import PageRequest, get_sync, list_syncs
from services.supervision.routes.params import SyncFilterDep
from services.supervision.schemas import (
    AcademieRead,
    CertificateRead,
    ErrorRateRead,
    HourCountRead,
    LateSchoolRead,
    MeRead,
    StatsRead,
    SyncDetail,
    SyncEventRead,
    SyncPage,
    SyncRead,
)

router = APIRouter(prefix="/api")
# OpenAPI links: what a client (and Schemathesis' stateful run) can follow from one answer to the next.
SYNC_LIST_LINKS = {
    "detail": {"operationId": "sync_detail", "parameters": {"sync_id": "$response.body#/items/0/sync_id"}}
}
SYNC_DETAIL_LINKS = {
    "school": {"operationId": "school", "parameters": {"uai": "$response.body#/uai"}},
    "decision": {"operationId": "sync_decision", "parameters": {"sync_id": "$response.body#/sync_id"}},
}
DIMENSIONS: tuple[stats.Dimension, ...] = ("editor", "flow", "academie")


@router.get("/syncs", responses={**problem_responses(403), 200: {"links": SYNC_LIST_LINKS}})
async def syncs(
    session: SessionDep,
    scope: ScopeDep,
    query: SyncFilterDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    after: str | None = None,
    order: Literal["desc", "asc"] = "desc",
) -> SyncPage:
    page = PageRequest(limit=limit, offset=offset, after=after, newest_first=order == "desc")
    result = await list_syncs(session, query, page, scope)
    return SyncPage(
        items=[SyncRead.model_validate(record) for record in result.items],
        total=result.total,
        total_is_exact=result.total_is_exact,
        limit=limit,
        offset=offset,
        next_cursor=result.next_cursor,
    )


@router.get(
    "/syncs/{sync_id}",
    operation_id="sync_detail",
    responses={**problem_responses(404), 200: {"links": SYNC_DETAIL_LINKS}},
)
async def sync_detail(session: SessionDep, scope: ScopeDep, sync_id: str) -> SyncDetail:
    found = await get_sync(session, sync_id, scope)
    return SyncDetail(
        **SyncRead.model_validate(found.record).model_dump(),
        events=[SyncEventRead.model_validate(event) for event in found.events],
        report=found.report,
    )


@router.get("/stats")
async def statistics(
    session: SessionDep, scope: ScopeDep, hours: Annotated[int, Query(ge=1, le=24 * 14)] = 24
) -> StatsRead:
    now = utc_now()
    since = now - timedelta(hours=hours)
    rates = {
        dimension: [
            ErrorRateRead(key=r.key, total=r.total, errors=r.errors, rate=round(r.rate, 4))
            for r in await stats.error_rates(session, scope, dimension, since=since)
        ]
        for dimension in DIMENSIONS
    }
    per_hour = await stats.syncs_per_hour(session, scope, now=now, hours=hours)
    return StatsRead(
        since=since,
        per_hour=[HourCountRead(hour=h.hour, total=h.total, errors=h.errors) for h in per_hour],
        by_editor=rates["editor"],
        by_flow=rates["flow"],
        by_academie=rates["academie"],
    )


@router.get("/late-schools", responses=problem_responses(403))
async def late_schools(
    session: SessionDep,
    scope: ScopeDep,
    state: StateDep,
    days: Annotated[int | None, Query(ge=1, le=365)] = None,
    flow: str | None = None,
) -> list[LateSchoolRead]:
    found = await stats.late_schools(
        session, scope, now=utc_now(), days=days or state.settings.late_after_days, flow=flow or None
    )
    return [LateSchoolRead(**vars(school)) for school in found]


@router.get("/certificates/expiring")
async def expiring_certificates(
    session: SessionDep,
    scope: ScopeDep,
    state: StateDep,
    days: Annotated[int | None, Query(ge=1, le=400)] = None,
) -> list[CertificateRead]:
    found = await stats.expiring_certificates(
        session, scope, now=utc_now(), days=days or state.settings.expiring_within_days
    )
    return [CertificateRead.model_validate(certificate) for certificate in found]


@router.get("/me")
async def me(who: SupervisorDep) -> MeRead:
    academies = (
        ACADEMIES if who.national else [a for s in sorted(who.academies) if (a := academie_by_slug(s))]
    )
    return MeRead(
        username=who.username,
        display_name=who.display_name,
        national=who.national,
        academies=[AcademieRead(**vars(a) | {"departements": list(a.departements)}) for a in academies],
    )
