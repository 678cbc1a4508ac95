"""services.common.auth.web on a small app: cookies, CSRF on unsafe methods, session rotation."""

# No `from __future__ import annotations`: FastAPI must resolve the routes' local Annotated aliases.

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Form, Request

from services.common.auth import (
    Account,
    AuthSettings,
    SessionCookieMiddleware,
    WebAuth,
    authenticate,
    create_account,
)
from services.common.db import SessionFactory, transaction
from services.common.web import install_error_handlers, source_of

PASSWORD = "Rentree-2026-ok"


def make_app(sessions: SessionFactory, settings: AuthSettings) -> FastAPI:
    auth = WebAuth(settings, sessions=lambda _request: sessions)
    router = APIRouter(dependencies=[Depends(auth.check_csrf)])
    AccountDep = Annotated[Account, Depends(auth.require_account)]  # noqa: N806

    @router.get("/connexion")
    async def login_form(request: Request) -> dict[str, str]:
        return {"csrf": (await auth.visit(request, create=True)).csrf_token}

    @router.post("/connexion")
    async def login(
        request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()]
    ) -> dict[str, str]:
        account = await authenticate(sessions, username, password, settings, source=source_of(request))
        return {"csrf": (await auth.sign_in(request, account)).csrf_token}

    @router.get("/moi")
    async def me(account: AccountDep) -> dict[str, str]:
        return {"username": account.username}

    @router.post("/action")
    async def act(account: AccountDep) -> dict[str, bool]:
        return {"done": True}

    @router.post("/deconnexion")
    async def logout(request: Request) -> dict[str, bool]:
        await auth.sign_out(request)
        return {"done": True}

    app = FastAPI()
    app.add_middleware(SessionCookieMiddleware)
    install_error_handlers(app)
    app.include_router(router)
    return app


@pytest.fixture
async def app(sessions: SessionFactory) -> FastAPI:
    async with transaction(sessions) as db:
        await create_account(db, username="chef", role="chef-etablissement", password=PASSWORD)
    return make_app(sessions, AuthSettings())


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://portail") as client:
        yield client


async def sign_in(browser: httpx.AsyncClient) -> dict[str, Any]:
    csrf = (await browser.get("/connexion")).json()["csrf"]
    response = await browser.post(
        "/connexion", data={"username": "chef", "password": PASSWORD, "csrf_token": csrf}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_cookie_is_http_only_and_same_site_and_not_secure_over_http(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/connexion")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert response.headers["cache-control"] == "no-store"


async def test_cookie_is_secure_with_host_prefix_over_https(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="https://portail") as client:
        cookie = (await client.get("/connexion")).headers["set-cookie"]
    assert cookie.startswith("__Host-session=")
    assert "; Secure" in cookie
    assert "; Path=/" in cookie


async def test_login_without_csrf_token_is_refused(browser: httpx.AsyncClient) -> None:
    await browser.get("/connexion")
    response = await browser.post("/connexion", data={"username": "chef", "password": PASSWORD})
    assert (response.status_code, response.json()["code"]) == (403, "csrf-invalide")


async def test_unsafe_request_with_another_sessions_token_is_refused(
    app: FastAPI, browser: httpx.AsyncClient
) -> None:
    await sign_in(browser)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portail") as attacker:
        foreign_token = (await sign_in(attacker))["csrf"]

    response = await browser.post("/action", data={"csrf_token": foreign_token})

    assert (response.status_code, response.json()["code"]) == (403, "csrf-invalide")


async def test_header_token_is_accepted_for_scripts(browser: httpx.AsyncClient) -> None:
    csrf = (await sign_in(browser))["csrf"]
    response = await browser.post("/action", headers={"X-CSRF-Token": csrf})
    assert response.json() == {"done": True}


async def test_signing_in_rotates_the_session_and_the_planted_token_is_worthless(
    app: FastAPI, browser: httpx.AsyncClient
) -> None:
    await browser.get("/connexion")
    planted = browser.cookies["session"]

    await sign_in(browser)

    assert browser.cookies["session"] != planted
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://portail", cookies={"session": planted}
    ) as attacker:
        response = await attacker.get("/moi")
    assert (response.status_code, response.json()["code"]) == (401, "connexion-requise")


async def test_sign_out_ends_the_server_side_session(app: FastAPI, browser: httpx.AsyncClient) -> None:
    csrf = (await sign_in(browser))["csrf"]
    token = browser.cookies["session"]

    await browser.post("/deconnexion", data={"csrf_token": csrf})

    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://portail", cookies={"session": token}
    ) as replay:
        assert (await replay.get("/moi")).status_code == 401


async def test_idle_session_expires(sessions: SessionFactory) -> None:
    async with transaction(sessions) as db:
        await create_account(db, username="chef", role="chef-etablissement", password=PASSWORD)
    app = make_app(sessions, AuthSettings(session_idle_minutes=0))
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portail") as client:
        await sign_in(client)
        assert (await client.get("/moi")).status_code == 401
