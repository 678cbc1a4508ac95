"""Pushes: ``POST …/emploi-du-temps`` (EDT_STS) and ``POST …/liens-eleves-groupes`` (IMPORT_ELEVES).

The body is the XML file or its zip; ``Idempotency-Key`` makes a retry answer the first sync;
``?simulation=1`` answers the full verdict at once (200) and changes nothing. Otherwise ``202`` with the
sync id, ``statut_url`` and ``Location`` once the file and its job are durably queued. See
``docs/push-flows.md``.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from services.common.errors import DomainError, InvalidInput, PayloadTooLarge, RequestTimeout
from services.common.openapi import problem_responses
from services.gateway import flows
from services.gateway.deps import StateDep, exchange_for
from services.gateway.flows import Flow
from services.gateway.import_status import SyncRead, sync_read
from services.gateway.imports import MAX_PUSH_BYTES, Push, check_media_type, receive_push
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange

_FILE = {"schema": {"type": "string", "format": "binary"}}
SIMULATION_EXAMPLE = {
    "sync_id": "01JE8Z6Q3X4M2N7P9R5T0V1W2Y",
    "flux": "emploi-du-temps",
    "uai": "0319999A",
    "annee": 2026,
    "etat": "validated",
    "simulation": True,
    "compteurs": {},
    "rapport": [],
    "statut_url": "/v1/syncs/01JE8Z6Q3X4M2N7P9R5T0V1W2Y",
}
# The body is read as it comes (streamed, size-capped), so FastAPI cannot infer it: declared here.
PUSH_BODY = {
    "requestBody": {
        "required": True,
        "description": "Le fichier XML (ISO-8859-15 ou UTF-8) ou son zip",
        "content": {"application/xml": _FILE, "text/xml": _FILE, "application/zip": _FILE},
    }
}
# From the 202 to the import's state: what an editor polls (OpenAPI link, followed by clients and tools).
FOLLOW_SYNC = {
    "etat": {"operationId": "etat_synchronisation", "parameters": {"sync_id": "$response.body#/sync_id"}}
}
router = APIRouter(
    prefix="/v1/etablissements/{uai}/annees/{annee}",
    responses={
        200: {
            "model": SyncRead,
            "description": "Simulation (`?simulation=1`) : le verdict et le rapport, rien n'est modifié",
            "content": {"application/json": {"example": SIMULATION_EXAMPLE}},
        },
        **problem_responses(403, 404, 408, 409, 413, 415),
    },
)

SimulationQuery = Annotated[
    bool, Query(description="1 : simulation (verdict et rapport, rien n'est modifié)")
]
KeyHeader = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
ContentTypeHeader = Annotated[str | None, Header(alias="Content-Type")]


@router.post(
    "/emploi-du-temps",
    status_code=202,
    summary="Import EDT_STS (annule et remplace)",
    response_model=SyncRead,
    responses={202: {"links": FOLLOW_SYNC}},
    openapi_extra=PUSH_BODY,
)
async def push_timetable(
    request: Request,
    state: StateDep,
    exchange: Annotated[Exchange, exchange_for(flows.IMPORT_EMPLOI_DU_TEMPS)],
    content_type: ContentTypeHeader = None,
    idempotency_key: KeyHeader = None,
    simulation: SimulationQuery = False,
) -> JSONResponse:
    return await _push(
        request, state, exchange, flows.IMPORT_EMPLOI_DU_TEMPS, content_type, idempotency_key, simulation
    )


@router.post(
    "/liens-eleves-groupes",
    status_code=202,
    summary="Import IMPORT_ELEVES (liens élèves-groupes)",
    response_model=SyncRead,
    responses={202: {"links": FOLLOW_SYNC}},
    openapi_extra=PUSH_BODY,
)
async def push_links(
    request: Request,
    state: StateDep,
    exchange: Annotated[Exchange, exchange_for(flows.IMPORT_LIENS)],
    content_type: ContentTypeHeader = None,
    idempotency_key: KeyHeader = None,
    simulation: SimulationQuery = False,
) -> JSONResponse:
    return await _push(
        request, state, exchange, flows.IMPORT_LIENS, content_type, idempotency_key, simulation
    )


async def _push(
    request: Request,
    state: GatewayState,
    exchange: Exchange,
    flow: Flow,
    content_type: str | None,
    idempotency_key: str | None,
    simulation: bool,
) -> JSONResponse:
    try:
        _check_key(idempotency_key)
        check_media_type(content_type)
        data = await _body(request, state.settings.body_read_timeout_seconds)
    except DomainError as error:
        await state.recorder.refused(exchange, error)
        raise
    status = await receive_push(state, exchange, Push(flow, data, idempotency_key, simulation))
    body = sync_read(status)
    headers = {"Location": body.statut_url, "Sync-Id": body.sync_id}
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if simulation else 202, headers=headers)


def _check_key(key: str | None) -> None:
    # An empty key is no key: taken as one, it made every later push with an empty key a 409. It is
    # refused rather than ignored, since a client sending it meant to be protected against retries.
    if key is not None and not key.strip():
        raise InvalidInput(
            "L'en-tête Idempotency-Key est vide : donnez une clé (1 à 200 caractères) ou omettez l'en-tête.",
            code="idempotence-cle-vide",
        )


async def _body(request: Request, read_timeout: float) -> bytes:
    """The request body, refused (413) as soon as it passes the cap, before it is all read, and
    (408) when it stops arriving for ``read_timeout`` seconds (a stalled chunked upload)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PUSH_BYTES:
        raise _too_large()
    chunks, size = [], 0
    stream = request.stream()
    while True:
        try:
            chunk = await asyncio.wait_for(anext(stream), read_timeout)
        except StopAsyncIteration:
            break
        except TimeoutError:
            raise RequestTimeout(
                f"Rien n'est arrivé pendant {read_timeout:g} s après {size} octets : renvoyez le fichier.",
                code="corps-incomplet",
            ) from None
        size += len(chunk)
        if size > MAX_PUSH_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"Le fichier dépasse {MAX_PUSH_BYTES // (1024 * 1024)} Mo.", code="fichier-trop-volumineux"
    )
