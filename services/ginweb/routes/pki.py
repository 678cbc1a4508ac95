"""Public PKI files at stable URLs: the CRL (signed, so plain HTTP is fine) and the CA chain."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from services.common.pki import certificates_pem
from services.ginweb.deps import StateDep

router = APIRouter()


@router.get("/crl", response_class=Response)
async def crl(state: StateDep) -> Response:
    der = await state.crl.current_der(state.runtime.sessions)
    seconds = state.settings.crl_next_update_seconds
    return Response(
        der,
        media_type="application/pkix-crl",
        headers={"Cache-Control": f"public, max-age={max(seconds // 10, 1)}"},
    )


@router.get("/ca.pem", response_class=Response)
async def ca_chain(state: StateDep) -> Response:
    return Response(certificates_pem(state.ca.chain), media_type="application/x-pem-file")
