"""Server-rendered pages: one Jinja2 environment, the context every page gets, flash messages."""

from __future__ import annotations

import secrets
import string
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from services.common.auth import utc_now
from services.ginweb.certificates import REASONS, CertificateState
from services.ginweb.state import GinwebState

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC_DIR = Path(__file__).parent / "static"
NO_STORE = "no-store"

STATE_LABELS = {
    CertificateState.VALID: "Valide",
    CertificateState.IN_GRACE: "Remplacé (recouvrement)",
    CertificateState.NOT_YET_VALID: "Pas encore valide",
    CertificateState.EXPIRED: "Expiré",
    CertificateState.REVOKED: "Révoqué",
}
_PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "lIO0o1")


async def render(
    request: Request, state: GinwebState, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page with the visit's CSRF token, the flash message (shown once) and the common labels."""
    visit = await state.auth.visit(request, create=True)
    flash = visit.session.data.get("flash") if visit.session else None
    if flash:
        await state.auth.update_data(request, flash=None)
    values = {
        "visit": visit,
        "csrf_token": visit.csrf_token,
        "flash": flash,
        "now": utc_now(),
        "state_labels": STATE_LABELS,
        "reasons": REASONS,
        "oidc_enabled": state.oidc is not None,
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, template, values, status_code=status_code)
    # Every portal page is one head's (and the issuance form shows a generated password): no cache,
    # shared or the browser's own, may keep a copy.
    response.headers["Cache-Control"] = NO_STORE
    return response


async def redirect_with_flash(
    request: Request, state: GinwebState, url: str, message: str
) -> RedirectResponse:
    await state.auth.update_data(request, flash=message)
    return RedirectResponse(url, status_code=303)


def generated_password() -> str:
    """Four groups of five characters (about 110 bits), easy to read aloud: no l/I/O/0/o/1. The dashes
    satisfy the strength rule's "not only letters"."""
    groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(5)) for _ in range(4)]
    return "-".join(groups)
