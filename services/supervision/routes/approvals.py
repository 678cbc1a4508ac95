"""``POST /api/syncs/{sync_id}/decision``: approve or reject an import held by the safety valve.

Scoped like the rest of the API: a sync outside the supervisor's académies does not exist for them.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from services.common.import_bus import ensure_import_bus, queue_job
from services.supervision.approvals import decision_for, decision_msg_id
from services.supervision.deps import ScopeDep, SessionDep, StateDep, SupervisorDep, check_csrf
from services.supervision.queries import get_sync

router = APIRouter(prefix="/api")


class DecisionWrite(BaseModel):
    approuver: bool


class DecisionRead(BaseModel):
    sync_id: str
    approuve: bool
    decide_par: str
    message: str = Field(
        default="Décision transmise : l'import en tient compte dans l'ordre de l'établissement."
    )


@router.post("/syncs/{sync_id}/decision", status_code=202, dependencies=[Depends(check_csrf)])
async def decide(
    session: SessionDep,
    scope: ScopeDep,
    who: SupervisorDep,
    state: StateDep,
    sync_id: str,
    body: DecisionWrite,
) -> DecisionRead:
    found = await get_sync(session, sync_id, scope)
    job = decision_for(found.record, who, approve=body.approuver)
    await ensure_import_bus(state.runtime.bus)
    await queue_job(state.runtime.bus, job, msg_id=decision_msg_id(sync_id))
    return DecisionRead(sync_id=sync_id, approuve=body.approuver, decide_par=who.display_name)
