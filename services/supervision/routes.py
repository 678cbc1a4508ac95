"""Supervision JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.supervision.deps import SessionDep
from services.supervision.schemas import SyncDetail, SyncEventRead, SyncPage, SyncRead
from services.supervision.service import SyncFilter, get_sync, list_syncs

router = APIRouter(prefix="/api")


@router.get("/syncs")
async def syncs(
    session: SessionDep,
    uai: str | None = None,
    flow: str | None = None,
    state: str | None = None,
    editor: str | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SyncPage:
    query = SyncFilter(
        uai=uai, flow=flow, state=state, editor=editor, since=since, limit=limit, offset=offset
    )
    records, total = await list_syncs(session, query)
    items = [SyncRead.model_validate(record, from_attributes=True) for record in records]
    return SyncPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/syncs/{sync_id}")
async def sync_detail(session: SessionDep, sync_id: str) -> SyncDetail:
    record, events = await get_sync(session, sync_id)
    summary = SyncRead.model_validate(record, from_attributes=True)
    timeline = [SyncEventRead.model_validate(event, from_attributes=True) for event in events]
    return SyncDetail(**summary.model_dump(), events=timeline)
