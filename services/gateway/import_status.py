"""Where a push stands: the gateway's own verdict for a refused file, else the owning service's word."""

from __future__ import annotations

from services.common import subjects
from services.common.bus import rpc
from services.common.errors import NotFound
from services.common.events import SyncState
from services.common.imports import ImportStatus, StatusRequest
from services.gateway.import_records import find_push
from services.gateway.state import GatewayState


async def sync_status(state: GatewayState, uai: str, sync_id: str) -> ImportStatus:
    """The status of a push of school ``uai``; another school's sync does not exist for it (404)."""
    record = await find_push(state.bus, sync_id)
    if record is None or record.uai != uai:
        raise NotFound(
            "Aucune synchronisation de votre établissement ne porte cet identifiant.", code="sync-inconnue"
        )
    if record.refus is not None:
        return record.refus
    try:
        return await rpc.ask(
            state.bus,
            subjects.import_status(record.service),
            StatusRequest(sync_id=sync_id),
            ImportStatus,
            within=state.settings.nats.request_timeout,
        )
    except NotFound:
        # Queued, not yet taken by a worker: the service has no row for it yet.
        return ImportStatus(
            sync_id=sync_id,
            flux=record.flow,
            uai=record.uai,
            annee=record.year,
            etat=SyncState.QUEUED,
            simulation=record.simulation,
            recu_le=record.received_at,
        )


class SyncRead(ImportStatus):
    """The status of a push as the editor reads it: ``statut_url`` is where to ask again."""

    statut_url: str


def sync_read(status: ImportStatus) -> SyncRead:
    return SyncRead(**status.model_dump(), statut_url=status_url(status.sync_id))


def status_url(sync_id: str) -> str:
    return f"/v1/syncs/{sync_id}"
