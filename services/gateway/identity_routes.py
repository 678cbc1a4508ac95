"""`GET /v1/moi`: what the presented certificate proves, so an editor can check its installation."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.gateway.deps import StateDep, authenticate

router = APIRouter(prefix="/v1")


class WhoAmI(BaseModel):
    uai: str
    editeur: str
    produit: str
    numero_serie: str
    valide_du: datetime
    valide_jusqu_au: datetime
    flux_autorises: list[str]


@router.get("/moi")
async def who_am_i(request: Request, state: StateDep) -> WhoAmI:
    identity = authenticate(request, state)
    return WhoAmI(
        uai=identity.uai,
        editeur=identity.editor,
        produit=identity.product,
        numero_serie=identity.serial_hex,
        valide_du=identity.not_before,
        valide_jusqu_au=identity.not_after,
        flux_autorises=sorted(state.trust.product_flows.get(identity.product, frozenset())),
    )
