"""``POST /api/syncs/{sync_id}/decision``: approve or reject an import held by the safety valve.

Scoped like the rest of the API: a sync outside the supervisor's académies does not exist for them. The
console's form on the sync page goes through :func:`send_decision` too, so both are scoped, checked and
recorded alike.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.import_bus import ensure_import_bus, queue_job
from services.common.openapi import problem_responses
from services.supervision.approvals import MAX_REASON, decision_for, decision_msg_id
from services.supervision.deps import SessionDep, StateDep, SupervisorDep, check_csrf
from services.supervision.queries import get_sync
from services.supervision.scope import Supervisor
from services.supervision.state import SupervisionState

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api")


class DecisionWrite(BaseModel):
    approuver: bool
    motif: str | None = Field(default=None, max_length=MAX_REASON)


class DecisionRead(BaseModel):
    sync_id: str
    approuve: bool
    decide_par: str
    motif: str | None = None
    message: str = Field(
        default="Décision transmise : l'import en tient compte dans l'ordre de l'établissement."
    )


async def send_decision(
    state: SupervisionState,
    session: AsyncSession,
    who: Supervisor,
    sync_id: str,
    *,
    approve: bool,
    reason: str | None,
) -> DecisionRead:
    found = await get_sync(session, sync_id, who.scope)
    job = decision_for(found.record, who, approve=approve, reason=reason)
    await ensure_import_bus(state.runtime.bus)
    await queue_job(state.runtime.bus, job, msg_id=decision_msg_id(sync_id))
    log.info("decision on held import %s: approve=%s by %s (%s)", sync_id, approve, who.username, job.reason)
    return DecisionRead(sync_id=sync_id, approuve=approve, decide_par=who.display_name, motif=job.reason)


@router.post(
    "/syncs/{sync_id}/decision",
    operation_id="sync_decision",
    status_code=202,
    dependencies=[Depends(check_csrf)],
    responses=problem_responses(403, 404, 409, 503),
)
async def decide(
    session: SessionDep, who: SupervisorDep, state: StateDep, sync_id: str, body: DecisionWrite
) -> DecisionRead:
    return await send_decision(state, session, who, sync_id, approve=body.approuver, reason=body.motif)
