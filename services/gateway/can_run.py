"""``GET …/{uai}/annees/{annee}/flux``: which flows may run now for this school and year, and why not.

Every flow of the platform is listed, exports and imports: a flow the certificate's product is not
accredited for, a year the owning service does not hold (a next year in rollover names its missing
step, docs/rollover.md), a service that does not answer, and the
sequencing rule (links wait for a pending timetable and for its structures to reach BEE) each give a
French reason. The same rule decides the links worker's waiting (:func:`links_blocker`).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from services.common import subjects
from services.common.bus import rpc
from services.common.errors import DomainError
from services.common.events import Direction, SyncState
from services.common.imports import LINKS_FLOW, SchoolImportState, SchoolStateRequest, links_blocker
from services.common.openapi import problem_responses
from services.common.rollover import RolloverStatus, flow_blocker
from services.common.rollover_bus import fetch_status
from services.gateway import flows
from services.gateway.deps import StateDep, authenticate, ensure_own_school, ensure_year, new_exchange
from services.gateway.flows import Flow
from services.gateway.state import GatewayState
from services.gateway.sync import Exchange

router = APIRouter(prefix="/v1/etablissements/{uai}/annees/{annee}")
_OWNERS = {"emploi-du-temps": "sts"}  # every other export is BEE's


class FlowRead(BaseModel):
    nom: str
    sens: Direction
    autorise: bool
    raison: str | None = None


class FlowsRead(BaseModel):
    flux: list[FlowRead]


async def open_exchange(request: Request, uai: str, annee: int, state: StateDep) -> Exchange:
    exchange = new_exchange("flux", Direction.NONE, uai, annee)
    request.state.sync_id = exchange.sync_id
    request.state.exchange = exchange  # the access log's who, which school, which flow
    try:
        exchange.identity = authenticate(request, state, exchange)
        ensure_year(annee)
        ensure_own_school(exchange.identity, uai.upper())
    except DomainError as error:
        await state.recorder.refused(exchange, error)
        raise
    return exchange


@router.get("/flux", responses=problem_responses(403))
async def runnable_flows(state: StateDep, exchange: Annotated[Exchange, Depends(open_exchange)]) -> FlowsRead:
    uai, year = exchange.uai or "", exchange.year or 0
    sts, bee, rollover = await asyncio.gather(
        _school(state, "sts", uai, year), _school(state, "bee", uai, year), _rollover(state, uai, year)
    )
    assert exchange.identity is not None
    allowed = state.trust.product_flows.get(exchange.identity.product, frozenset())
    product = exchange.identity.product
    verdicts = [_verdict(flow, allowed, product, sts, bee, rollover) for flow in _all_flows()]
    await state.recorder.record(exchange.event(SyncState.SERVED, http_status=200))
    return FlowsRead(flux=verdicts)


def _all_flows() -> list[Flow]:
    return [*flows.EXPORTS, *flows.IMPORTS]


def _verdict(
    flow: Flow,
    allowed: frozenset[str],
    product: str,
    sts: SchoolImportState | None,
    bee: SchoolImportState | None,
    rollover: RolloverStatus | None = None,
) -> FlowRead:
    def refused(reason: str) -> FlowRead:
        return FlowRead(nom=flow.name, sens=flow.direction, autorise=False, raison=reason)

    if flow.name not in allowed:
        return refused(f"Le produit « {product} » n'est pas habilité pour ce flux.")
    owner_name = flow.service or _OWNERS.get(flow.name, "bee")
    owner = sts if owner_name == "sts" else bee
    if owner is None:
        return refused(f"Le service {owner_name.upper()} ne répond pas : réessayez dans un instant.")
    if not owner.annee_ouverte:
        return refused(_closed_reason(owner_name, rollover))
    if flow.direction is Direction.IMPORT and flow.name == LINKS_FLOW:
        if sts is None:
            return refused("Le service STS ne répond pas : l'ordre des imports ne peut être vérifié.")
        if (reason := links_blocker(sts, owner)) is not None:
            return refused(f"Un import maintenant attendrait : {reason}")
    return FlowRead(nom=flow.name, sens=flow.direction, autorise=True)


async def _school(state: GatewayState, service: str, uai: str, year: int) -> SchoolImportState | None:
    try:
        return await rpc.ask(
            state.bus,
            subjects.import_school_state(service),
            SchoolStateRequest(uai=uai, year=year),
            SchoolImportState,
            within=min(state.settings.nats.request_timeout, 5.0),
        )
    except DomainError:
        return None


def _closed_reason(service: str, rollover: RolloverStatus | None) -> str:
    """A next year in rollover names its missing step; any other year is one the service does not hold."""
    reason = flow_blocker(rollover, service) if rollover is not None else None
    return reason or f"{service.upper()} ne détient pas encore cette année scolaire pour l'établissement."


async def _rollover(state: GatewayState, uai: str, year: int) -> RolloverStatus | None:
    try:
        return await fetch_status(state.bus, uai, year, within=min(state.settings.nats.request_timeout, 5.0))
    except DomainError:
        return None  # the generic reason stands in
