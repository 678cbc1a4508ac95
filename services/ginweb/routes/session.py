"""Signing in and out: a local account (argon2id, lock-out) or the configured OIDC provider."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.common.auth import InvalidCredentials, OidcFailed, authenticate, find_account
from services.common.db import transaction
from services.common.errors import DomainError
from services.common.web import source_of
from services.ginweb.deps import StateDep
from services.ginweb.pages import render

router = APIRouter()


@router.get("/connexion", response_class=HTMLResponse)
async def login_form(request: Request, state: StateDep) -> Response:
    return await render(request, state, "login.html")


@router.post("/connexion", response_class=HTMLResponse)
async def login(
    request: Request,
    state: StateDep,
    username: Annotated[str, Form(max_length=120)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        account = await authenticate(
            state.runtime.sessions, username, password, state.settings.auth, source=source_of(request)
        )
    except DomainError as error:
        page = await render(
            request,
            state,
            "login.html",
            error.status,
            error=error.title,
            error_code=error.code,
            username=username,
        )
        if "retry_after" in error.extensions:
            page.headers["Retry-After"] = str(error.extensions["retry_after"])
        return page
    await state.auth.sign_in(request, account)
    return RedirectResponse("/certificats", status_code=303)


@router.post("/deconnexion")
async def logout(request: Request, state: StateDep) -> Response:
    await state.auth.sign_out(request)
    return RedirectResponse("/connexion", status_code=303)


@router.get("/connexion/oidc")
async def oidc_start(request: Request, state: StateDep) -> Response:
    if state.oidc is None:
        raise OidcFailed("La connexion par fournisseur d'identité n'est pas configurée.")
    return RedirectResponse(await state.auth.begin_oidc(request, state.oidc), status_code=303)


@router.get("/connexion/oidc/retour")
async def oidc_return(request: Request, ginweb: StateDep, code: str = "", state: str = "") -> Response:
    if ginweb.oidc is None:
        raise OidcFailed("La connexion par fournisseur d'identité n'est pas configurée.")
    username = await ginweb.auth.complete_oidc(request, ginweb.oidc, code=code, state=state)
    async with transaction(ginweb.runtime.sessions) as db:
        account = await find_account(db, username)
    if account is None or not account.active:
        # The provider knows this person; the platform does not: an operator must create the account.
        raise InvalidCredentials("Votre compte n'est pas ouvert sur GIN-WEB : contactez l'assistance.")
    await ginweb.auth.sign_in(request, account)
    return RedirectResponse("/certificats", status_code=303)
