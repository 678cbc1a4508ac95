"""The editors' API: one base path per school and year, flows named as users know them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from services.gateway import flows
from services.gateway.deps import StateDep, exchange_for
from services.gateway.exports import serve_export
from services.gateway.sync import Exchange

router = APIRouter(prefix="/v1/etablissements/{uai}/annees/{annee}")


@router.get("/nomenclatures", response_class=StreamingResponse)
async def export_nomenclatures(
    state: StateDep, exchange: Annotated[Exchange, exchange_for(flows.NOMENCLATURES)]
) -> StreamingResponse:
    return await serve_export(state, exchange, flows.NOMENCLATURES)
