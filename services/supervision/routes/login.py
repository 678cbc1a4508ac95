"""Signing in and out of the console: local accounts (the embedded default) or an OIDC provider."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.common.auth import (
    InvalidCredentials,
    OidcClient,
    OidcFailed,
    SignInThrottled,
    WebAuth,
    authenticate,
    find_account,
)
from services.common.db import transaction
from services.common.errors import DomainError, Forbidden
from services.common.web import source_of
from services.supervision.deps import StateDep, check_csrf, web_auth
from services.supervision.routes.pages import TEMPLATES
from services.supervision.scope import Supervisor
from services.supervision.state import SupervisionState

router = APIRouter()
WebAuthDep = Annotated[WebAuth, Depends(web_auth)]


@router.get("/connexion", include_in_schema=False)
async def login_page(request: Request, auth: WebAuthDep, state: StateDep, suite: str = "/") -> Response:
    visit = await auth.visit(request, create=True)
    return _login_form(request, visit.csrf_token, suite, oidc=state.settings.auth.oidc is not None)


@router.post("/connexion", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def login(
    request: Request,
    auth: WebAuthDep,
    state: StateDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    suite: Annotated[str, Form()] = "/",
) -> Response:
    try:
        account = await authenticate(
            state.runtime.sessions, username, password, state.settings.auth, source=source_of(request)
        )
        Supervisor.of(account.username, account.role, account.scopes)
    except (InvalidCredentials, SignInThrottled, Forbidden) as error:
        visit = await auth.visit(request, create=True)
        oidc = state.settings.auth.oidc is not None
        form = _login_form(request, visit.csrf_token, suite, oidc=oidc, error=error, username=username)
        if isinstance(error, SignInThrottled):
            form.headers["Retry-After"] = str(error.extensions["retry_after"])
        return form
    await auth.sign_in(request, account)
    return RedirectResponse(safe_next(suite), status_code=303)


@router.post("/deconnexion", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def logout(request: Request, auth: WebAuthDep) -> Response:
    await auth.sign_out(request)
    return RedirectResponse("/connexion", status_code=303)


@router.get("/connexion/oidc", include_in_schema=False)
async def oidc_start(request: Request, auth: WebAuthDep, state: StateDep) -> Response:
    return RedirectResponse(await auth.begin_oidc(request, _oidc(state)), status_code=303)


@router.get("/connexion/oidc/retour", include_in_schema=False)
async def oidc_return(request: Request, auth: WebAuthDep, app: StateDep, code: str, state: str) -> Response:
    username = await auth.complete_oidc(request, _oidc(app), code=code, state=state)
    async with transaction(app.runtime.sessions) as db:
        account = await find_account(db, username)
    if account is None or not account.active:
        raise OidcFailed("Ce compte n'est pas autorisé sur la console de supervision.", code="compte-inconnu")
    Supervisor.of(account.username, account.role, account.scopes)
    await auth.sign_in(request, account)
    return RedirectResponse("/", status_code=303)


def _oidc(app: SupervisionState) -> OidcClient:
    if app.oidc is None:
        raise OidcFailed("La connexion par fournisseur d'identité n'est pas configurée.", code="oidc-absent")
    return app.oidc


def safe_next(target: str) -> str:
    """Only a path of this site: never an open redirect to another host (``//evil``, ``https://…``)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _login_form(
    request: Request,
    csrf_token: str,
    suite: str,
    *,
    oidc: bool,
    error: DomainError | None = None,
    username: str = "",
) -> Response:
    context = {
        "csrf_token": csrf_token,
        "suite": safe_next(suite),
        "oidc": oidc,
        "error": error,
        "username": username,
    }
    status = error.status if error is not None else 200
    return TEMPLATES.TemplateResponse(request, "login.html", context, status_code=status)
