"""Receiving a push: refuse what is not a file of the flow, keep it durably, queue its job, answer 202.

In order: the media type (415) and size (413) are checked by the route; the file itself is checked here
for what makes it no file of this flow at all (hostile XML, zip bomb, wrong root, another school or year
in its header: a 4xx problem and a `rejected` sync, with nothing stored). Its records are the worker's
business. Then the file goes to the object store, the push to ``IMPORT_SYNCS``, the job to the IMPORTS
work queue (``Nats-Msg-Id`` = sync id), and only then does the editor get ``202``.

``Idempotency-Key`` (scoped to school and flow): a retry answers the first sync; if the first attempt
died between its claim and its job, the retry finishes it under the first sync id (the object and the
job are keyed by that id, so nothing is stored twice). The same key with another file is ``409``.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass

from lxml import etree

from services.common import subjects
from services.common.bus.rpc import ask
from services.common.contracts import ImportDetails
from services.common.errors import Conflict, DomainError, InvalidInput, UnsupportedMedia
from services.common.events import SyncState
from services.common.formats import edt_sts, import_eleves
from services.common.formats import errors as format_codes
from services.common.formats.checking import parse_at
from services.common.formats.errors import FormatError
from services.common.formats.identifiers import check_uai
from services.common.formats.xmlsafe import Scan, required_child, scan_xml
from services.common.formats.zipsafe import looks_like_zip, read_zip_member
from services.common.import_bus import queue_job, store_payload
from services.common.import_report import report_of
from services.common.imports import ImportJob, ImportStatus
from services.gateway.flows import Flow
from services.gateway.import_records import (
    Claim,
    PushRecord,
    claim,
    claim_key,
    find_claim,
    mark_queued,
    release,
    save_push,
)
from services.gateway.import_status import sync_status
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange

MAX_PUSH_BYTES = 64 * 1024 * 1024  # the formats' own cap on an XML file
SIMULATION_TIMEOUT = 120.0  # a dry run of a large lycée's timetable takes seconds, not minutes
_MEDIA_TYPES = {"application/xml", "text/xml", "application/zip", "application/x-zip-compressed"}
_ROOTS = {"emploi-du-temps": edt_sts.ROOT, "liens-eleves-groupes": import_eleves.ROOT}
# Most elements of one name a pushed file may hold (any other name: DEFAULT_MAX_PER_ELEMENT, 100,000).
# A links file has a GROUPE (and its three children) per pupil and group: a 5,000-pupil cité scolaire
# with 40 groups each stays under the cap.
_MAX_PER_ELEMENT = {
    "liens-eleves-groupes": {
        name: 200_000 for name in ("GROUPE", "CODE_GROUPE", "DATE_DEBUT_GROUPE", "DATE_FIN_GROUPE")
    },
    "emploi-du-temps": {},
}


@dataclass(frozen=True)
class Push:
    flow: Flow
    data: bytes
    idempotency_key: str | None = None
    simulation: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_media_type(content_type: str | None) -> None:
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in _MEDIA_TYPES:
        raise UnsupportedMedia(
            f"Type « {media or 'absent'} » refusé : envoyez le fichier XML (application/xml) ou son zip "
            "(application/zip).",
            code="format-non-supporte",
        )


async def receive_push(state: GatewayState, exchange: Exchange, push: Push) -> ImportStatus:
    """The push's sync as it stands once durably queued (or the first sync of its Idempotency-Key)."""
    key = _claim_key(exchange, push)
    if key is not None and (found := await find_claim(state.bus, key)) is not None:
        return await _replay(state, exchange, push, key, found)
    try:
        await asyncio.to_thread(check_file, push, exchange.uai or "", exchange.year or 0)
    except DomainError as error:
        await _record_refusal(state, exchange, push, error)
        raise
    job = _job(exchange, push)
    if key is not None:
        winner = await claim(state.bus, key, Claim(sync_id=job.sync_id, sha256=job.payload_sha256 or ""))
        if winner.sync_id != job.sync_id:
            return await _replay(state, exchange, push, key, winner)
    try:
        return await _keep_and_queue(state, exchange, push, job, key)
    except DomainError as error:
        if key is not None:
            await release(state.bus, key)
        await state.recorder.refused(exchange, error)
        raise


def check_file(push: Push, uai: str, year: int) -> None:
    """Refuse what is not a file of the flow for this school and year (runs in a thread: it parses).

    The file is read incrementally (:func:`.xmlsafe.scan_xml`): only ``PARAMETRES`` is kept, whatever
    the file holds, and element counts are capped per name. ``UAJ`` must be a UAI as the ministry writes
    it (upper case, right check letter), the rule the import worker applies too: a lower-case UAJ is
    refused here with ``uai-invalide`` rather than accepted here and rejected later.
    """
    name, xml = f"{push.flow.name}.xml", push.data
    if looks_like_zip(xml):
        name, xml = read_zip_member(xml, filename=f"{push.flow.name}.zip")
    scan = scan_xml(
        xml,
        filename=name,
        keep="PARAMETRES",
        max_bytes=MAX_PUSH_BYTES,
        max_per_element=_MAX_PER_ELEMENT[push.flow.name],
    )
    parametres = _parametres(scan, _ROOTS[push.flow.name], name)
    uaj = required_child(parametres, "UAJ")
    file_uai = parse_at(uaj, _header(uaj, "CODE"), check_uai)
    file_year = _header(required_child(parametres, "ANNEE_SCOLAIRE"), "ANNEE")
    if file_uai != uai:
        raise InvalidInput(
            f"Le fichier est celui de l'établissement {file_uai}, envoyé pour {uai}.",
            code="uai-non-concordant",
        )
    if file_year != str(year):
        raise InvalidInput(
            f"Le fichier porte sur l'année {file_year}, envoyé pour {year}.", code="annee-non-concordante"
        )


def _parametres(scan: Scan, root: str, filename: str) -> etree._Element:
    if scan.root != root:
        raise FormatError(
            code=format_codes.RACINE_INATTENDUE,
            detail=f"élément racine « {scan.root} » au lieu de « {root} ».",
            file=filename,
            path=f"/{scan.root}",
        )
    if scan.kept is None:
        raise FormatError(
            code=format_codes.ELEMENT_MANQUANT,
            detail="élément « PARAMETRES » absent.",
            file=filename,
            path=f"/{root}",
        )
    return scan.kept


def _header(elem: etree._Element, attribute: str) -> str:
    # EDT_STS writes UAJ and ANNEE_SCOLAIRE as text; the STS_EDT form is an attribute: both are read.
    return (elem.text or "").strip() or (elem.get(attribute) or "").strip()


async def _keep_and_queue(
    state: GatewayState, exchange: Exchange, push: Push, job: ImportJob, key: str | None
) -> ImportStatus:
    await store_payload(state.bus, job.sync_id, push.data)
    await save_push(state.bus, _record(job))
    await state.recorder.record(
        exchange.event(
            SyncState.RECEIVED,
            payload_bytes=job.payload_bytes,
            payload_sha256=job.payload_sha256,
            # Supervision knows from the first event that this is a dry run, not an import.
            details=ImportDetails(simulation=True) if push.simulation else None,
        )
    )
    if push.simulation:
        subject = subjects.import_simulation(job.service)
        return await ask(state.bus, subject, job, ImportStatus, within=SIMULATION_TIMEOUT)
    await queue_job(state.bus, job)
    if key is not None:
        await mark_queued(state.bus, key, Claim(sync_id=job.sync_id, sha256=job.payload_sha256 or ""))
    await state.recorder.record(exchange.event(SyncState.QUEUED, http_status=202))
    return _queued(job)


async def _replay(
    state: GatewayState, exchange: Exchange, push: Push, key: str, first: Claim
) -> ImportStatus:
    """A retry: the first sync of the key, finished if its first attempt stopped before its job."""
    if first.sha256 != push.sha256:
        error = Conflict(
            "Cette clé d'idempotence a déjà servi pour un autre fichier : utilisez une nouvelle clé.",
            code="idempotence-conflit",
        )
        await state.recorder.refused(exchange, error)
        raise error
    job = _job(exchange, push).model_copy(update={"sync_id": first.sync_id})
    exchange.sync_id = first.sync_id  # the answer and its Sync-Id name the first sync
    if not first.queued:
        await store_payload(state.bus, job.sync_id, push.data)
        await save_push(state.bus, _record(job))
        await queue_job(state.bus, job)
        await mark_queued(state.bus, key, first)
    return await sync_status(state, job.uai, job.sync_id)


async def _record_refusal(state: GatewayState, exchange: Exchange, push: Push, error: DomainError) -> None:
    """A refused file is a `rejected` sync: in supervision and at its status URL, with the reason."""
    job = _job(exchange, push)
    report = report_of(error)
    verdict = ImportStatus(
        sync_id=job.sync_id,
        flux=job.flow,
        uai=job.uai,
        annee=job.year,
        etat=SyncState.REJECTED,
        raison=error.title,
        simulation=push.simulation,
        compteurs={"rejected": len(report)},
        rapport=report,
        recu_le=job.received_at,
        mis_a_jour_le=job.received_at,
    )
    await save_push(state.bus, _record(job).model_copy(update={"refus": verdict}))
    await state.recorder.record(
        exchange.event(
            SyncState.REJECTED,
            http_status=error.status,
            problem_code=error.code,
            message=error.title,
            payload_bytes=job.payload_bytes,
            payload_sha256=job.payload_sha256,
            details=ImportDetails(report=report, simulation=push.simulation),
        )
    )


def _claim_key(exchange: Exchange, push: Push) -> str | None:
    # A dry run changes nothing: there is nothing a retry could do twice.
    if push.idempotency_key is None or push.simulation:
        return None
    return claim_key(exchange.uai or "", push.flow.name, push.idempotency_key)


def _job(exchange: Exchange, push: Push) -> ImportJob:
    identity = exchange.identity
    return ImportJob(
        sync_id=exchange.sync_id,
        flow=push.flow.name,
        uai=exchange.uai or "",
        year=exchange.year or 0,
        editor=identity.editor if identity else None,
        product=identity.product if identity else None,
        certificate_serial=identity.serial_hex if identity else None,
        payload_bytes=len(push.data),
        payload_sha256=push.sha256,
        simulation=push.simulation,
    )


def _record(job: ImportJob) -> PushRecord:
    return PushRecord(
        sync_id=job.sync_id,
        uai=job.uai,
        year=job.year,
        flow=job.flow,
        service=job.service,
        simulation=job.simulation,
        received_at=job.received_at,
    )


def _queued(job: ImportJob) -> ImportStatus:
    return ImportStatus(
        sync_id=job.sync_id,
        flux=job.flow,
        uai=job.uai,
        annee=job.year,
        etat=SyncState.QUEUED,
        recu_le=job.received_at,
        mis_a_jour_le=job.received_at,
    )
