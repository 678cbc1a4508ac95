"""GIN-WEB's HTTP layer: the heads' portal (sign-in, certificates) and the public PKI files."""

from fastapi import APIRouter, Depends

from services.ginweb.deps import check_csrf
from services.ginweb.routes import certificates, pki, session

portal = APIRouter(dependencies=[Depends(check_csrf)])
portal.include_router(session.router)
portal.include_router(certificates.router)

__all__ = ["pki", "portal"]
