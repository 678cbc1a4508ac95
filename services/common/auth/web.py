"""Sessions, CSRF and sign-in wired into a FastAPI app.

Usage in a service::

    auth = WebAuth(settings.auth, sessions=lambda request: request.app.state.runtime.sessions)
    app.add_middleware(SessionCookieMiddleware)            # writes the cookies WebAuth decides
    router = APIRouter(dependencies=[Depends(auth.check_csrf)])  # every unsafe method checked
    AccountDep = Annotated[Account, Depends(auth.require_account)]

    @router.post("/connexion")
    async def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()]):
        account = await authenticate(sessions, username, password, settings.auth, source=source_of(request))
        await auth.sign_in(request, account)               # new session id, new CSRF token
        ...

Pages with a form call ``await auth.visit(request, create=True)`` to get a session (anonymous before
sign-in) and put ``visit.csrf_token`` in a hidden ``csrf_token`` field; JavaScript sends it in the
``X-CSRF-Token`` header instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.auth.errors import CsrfRejected, LoginRequired, OidcFailed
from services.common.auth.models import Account, WebSession, utc_now
from services.common.auth.oidc import OidcClient
from services.common.auth.sessions import (
    OpenedSession,
    account_of,
    close_session,
    is_signed_in,
    load_session,
    open_session,
    rotate_for_login,
)
from services.common.auth.settings import AuthSettings
from services.common.db import SessionFactory, transaction

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_STATE_VISIT = "auth_visit"
_STATE_COOKIE = "auth_set_cookie"


@dataclass(frozen=True)
class Visit:
    """Who is browsing: the server-side session (None before any form was shown) and its account."""

    session: WebSession | None
    account: Account | None

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session else ""


class WebAuth:
    """The session and CSRF dependencies of one app; ``sessions`` finds the app's database."""

    def __init__(self, settings: AuthSettings, sessions: Callable[[Request], SessionFactory]) -> None:
        self.settings = settings
        self._sessions = sessions

    async def visit(self, request: Request, *, create: bool = False) -> Visit:
        """The current visit (cached per request); ``create`` opens an anonymous session if none."""
        cached: Visit | None = getattr(request.state, _STATE_VISIT, None)
        if cached is not None and (cached.session is not None or not create):
            return cached
        async with transaction(self._sessions(request)) as db:
            visit = await self._load(db, request)
            if visit.session is None and create:
                opened = await open_session(db, self.settings, utc_now())
                self._set_cookie(request, opened)
                visit = Visit(opened.record, None)
        setattr(request.state, _STATE_VISIT, visit)
        return visit

    async def require_account(self, request: Request) -> Account:
        """Dependency: the signed-in account, else :class:`LoginRequired`."""
        visit = await self.visit(request)
        if visit.account is None:
            raise LoginRequired()
        return visit.account

    async def check_csrf(self, request: Request) -> None:
        """Dependency: an unsafe method must carry the session's CSRF token (form field or header)."""
        if request.method in SAFE_METHODS:
            return
        visit = await self.visit(request)
        sent = request.headers.get(CSRF_HEADER) or await _form_token(request)
        if visit.session is None or not sent or not secrets.compare_digest(sent, visit.csrf_token):
            raise CsrfRejected()

    async def session_guard(self, request: Request) -> Callable[[], Awaitable[bool]]:
        """For a response that outlives its request (a live feed): a check, to call before each
        message, that the visitor is still signed in; it turns False once they signed out anywhere,
        the session expired or went idle."""
        visit = await self.visit(request)
        hashed = visit.session.token_hash if visit.session is not None and visit.account else None
        sessions = self._sessions(request)

        async def still_signed_in() -> bool:
            if hashed is None:
                return False
            async with sessions() as db:
                return await is_signed_in(db, hashed, self.settings, utc_now())

        return still_signed_in

    async def sign_in(self, request: Request, account: Account) -> Visit:
        """Open a new session for ``account`` in place of the current one (never reuse its token)."""
        previous = await self.visit(request)
        async with transaction(self._sessions(request)) as db:
            opened = await rotate_for_login(db, previous.session, account, self.settings, utc_now())
        self._set_cookie(request, opened)
        visit = Visit(opened.record, account)
        setattr(request.state, _STATE_VISIT, visit)
        return visit

    async def sign_out(self, request: Request) -> None:
        visit = await self.visit(request)
        if visit.session is not None:
            async with transaction(self._sessions(request)) as db:
                await close_session(db, visit.session)
        self._set_cookie(request, None)
        setattr(request.state, _STATE_VISIT, Visit(None, None))

    async def update_data(self, request: Request, **values: Any) -> None:
        """Store short-lived values in the session (None removes a key)."""
        visit = await self.visit(request, create=True)
        assert visit.session is not None
        async with transaction(self._sessions(request)) as db:
            record = await db.get(WebSession, visit.session.token_hash)
            if record is None:
                return
            data = {**record.data, **values}
            record.data = {key: value for key, value in data.items() if value is not None}
            db.add(record)
        visit.session.data = record.data

    async def begin_oidc(self, request: Request, client: OidcClient) -> str:
        """The provider URL to redirect to; state, nonce and verifier wait in the session."""
        start = await client.start()
        pending = {"state": start.state, "nonce": start.nonce, "verifier": start.verifier}
        await self.update_data(request, oidc=pending)
        return start.url

    async def complete_oidc(self, request: Request, client: OidcClient, *, code: str, state: str) -> str:
        """The user name the provider vouches for; the pending values are used once only."""
        visit = await self.visit(request)
        pending = visit.session.data.get("oidc") if visit.session else None
        if not isinstance(pending, dict):
            raise OidcFailed(detail="aucune connexion en cours dans cette session")
        await self.update_data(request, oidc=None)
        return await client.finish(
            code=code,
            returned_state=state,
            expected_state=pending["state"],
            nonce=pending["nonce"],
            verifier=pending["verifier"],
        )

    def cookie_name(self, request: Request) -> str:
        # The __Host- prefix makes browsers refuse the cookie unless Secure, Path=/ and host-only:
        # a sibling sub-domain cannot plant a session cookie (another road to fixation).
        return f"__Host-{self.settings.cookie_name}" if self._secure(request) else self.settings.cookie_name

    async def _load(self, db: AsyncSession, request: Request) -> Visit:
        token = request.cookies.get(self.cookie_name(request))
        if not token:
            return Visit(None, None)
        record = await load_session(db, token, self.settings, utc_now())
        if record is None:
            return Visit(None, None)
        return Visit(record, await account_of(db, record))

    def _secure(self, request: Request) -> bool:
        configured = self.settings.secure_cookies
        return configured if configured is not None else request.url.scheme == "https"

    def _set_cookie(self, request: Request, opened: OpenedSession | None) -> None:
        attributes = ["Path=/", "HttpOnly", f"SameSite={self.settings.same_site.capitalize()}"]
        if self._secure(request):
            attributes.append("Secure")
        value = opened.token if opened is not None else ""
        if opened is None:
            attributes.append("Max-Age=0")
        header = "; ".join([f"{self.cookie_name(request)}={value}", *attributes])
        setattr(request.state, _STATE_COOKIE, header)


async def _form_token(request: Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    value = (await request.form()).get(CSRF_FIELD)  # cached: the route reads the same parsed form
    return value if isinstance(value, str) else None


class SessionCookieMiddleware:
    """Adds the Set-Cookie that :class:`WebAuth` decided during the request to whatever response the
    route returned (FastAPI drops a dependency's headers when a route returns its own Response)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            cookie = scope.get("state", {}).get(_STATE_COOKIE)
            if message["type"] == "http.response.start" and cookie:
                MutableHeaders(scope=message).append("set-cookie", cookie)
                # A response that sets a session cookie must never be cached by a shared cache.
                MutableHeaders(scope=message)["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_cookie)
