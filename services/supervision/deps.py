"""Supervision dependencies: the database session, the supervisor and their scope, written once."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import WebAuth
from services.common.auth.errors import LoginRequired
from services.supervision.scope import Scope, Supervisor
from services.supervision.settings import ApiClientSettings
from services.supervision.state import SupervisionState, state_of

_BEARER = "bearer "


def web_auth(request: Request) -> WebAuth:
    auth: WebAuth = request.app.state.web_auth
    return auth


async def session(request: Request) -> AsyncIterator[AsyncSession]:
    async with state_of(request).runtime.sessions() as db_session:
        yield db_session


async def supervisor(request: Request) -> Supervisor:
    """The API client named by a bearer token, else the signed-in person; else ``connexion-requise``."""
    state = state_of(request)
    token = bearer_token(request)
    if token is not None:
        client = _api_client(state.settings.api_clients, token)
        if client is None:
            raise LoginRequired("Jeton d'accès inconnu.", code="jeton-invalide")
        return Supervisor.of(client.name, client.role, client.academies)
    account = await web_auth(request).require_account(request)
    return Supervisor.of(account.username, account.role, account.scopes, account.display_name)


async def check_csrf(request: Request) -> None:
    """Browsers must prove the form is ours; a bearer token is not sent by browsers on their own."""
    if bearer_token(request) is None:
        await web_auth(request).check_csrf(request)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[len(_BEARER) :].strip() if header.lower().startswith(_BEARER) else None


def _api_client(clients: list[ApiClientSettings], token: str) -> ApiClientSettings | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    for client in clients:
        if hmac.compare_digest(client.token_sha256, digest):
            return client
    return None


async def scope(who: Annotated[Supervisor, Depends(supervisor)]) -> Scope:
    return who.scope


SessionDep = Annotated[AsyncSession, Depends(session)]
SupervisorDep = Annotated[Supervisor, Depends(supervisor)]
ScopeDep = Annotated[Scope, Depends(scope)]
StateDep = Annotated[SupervisionState, Depends(state_of)]
