"""GIN-WEB's HTTP layer: the heads' portal (sign-in, certificates) and the public PKI files."""

from fastapi import APIRouter, Depends

from services.ginweb.deps import check_csrf
from services.ginweb.routes import certificates, pki, session

# Pages and forms for people, not an API: out of the OpenAPI document (tests/ginweb cover them).
portal = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
portal.include_router(session.router)
portal.include_router(certificates.router)

__all__ = ["pki", "portal"]
