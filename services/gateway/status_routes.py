"""``GET /v1/syncs/{sync_id}``: where a push stands, for the certificate's own school only."""

from __future__ import annotations

from fastapi import APIRouter, Request

from services.common.openapi import problem_responses
from services.gateway.deps import StateDep, authenticate
from services.gateway.import_status import SyncRead, sync_read, sync_status

router = APIRouter(prefix="/v1")


@router.get("/syncs/{sync_id}", operation_id="etat_synchronisation", responses=problem_responses(404))
async def get_sync(request: Request, state: StateDep, sync_id: str) -> SyncRead:
    # Polled by editors: not recorded as a sync of its own (supervision sees the push's own events).
    identity = authenticate(request, state)
    return sync_read(await sync_status(state, identity.uai, sync_id))
