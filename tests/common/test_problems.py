"""Errors as RFC 9457 problems: domain errors keep their code; a bus that cannot answer is a 503 to retry."""

from __future__ import annotations

import httpx
import nats.errors
from fastapi import FastAPI

from services.common.errors import Conflict, error_for_status
from services.common.web import install_error_handlers


def app_raising(error: Exception) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise error

    return app


async def call(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/boom")


async def test_domain_error_keeps_its_status_code_and_french_title() -> None:
    response = await call(app_raising(Conflict("Curseur trop ancien.", code="curseur-perime")))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["title"]) == ("curseur-perime", "Curseur trop ancien.")


async def test_bus_that_cannot_answer_is_a_503_the_client_may_retry() -> None:
    response = await call(app_raising(nats.errors.NoRespondersError()))
    assert response.status_code == 503
    assert response.json()["code"] == "bus-indisponible"
    assert response.headers["Retry-After"] == "1"


async def test_anything_else_is_a_500_without_details() -> None:
    response = await call(app_raising(RuntimeError("secret internals")))
    assert response.status_code == 500
    assert "secret" not in response.text


async def test_framework_errors_are_problems_with_stable_codes() -> None:
    app = app_raising(RuntimeError())

    @app.post("/json")
    async def takes_json(body: dict[str, int]) -> None:
        return None

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        missing = await client.get("/nowhere")
        wrong_method = await client.delete("/boom")
        unreadable = await client.post(
            "/json", content=b"\xff{", headers={"content-type": "application/json"}
        )
    answers = [
        (r.status_code, r.headers["content-type"], r.json()["code"])
        for r in (missing, wrong_method, unreadable)
    ]
    assert answers == [
        (404, "application/problem+json", "introuvable"),
        (405, "application/problem+json", "methode-non-autorisee"),
        (400, "application/problem+json", "requete-invalide"),
    ]
    assert wrong_method.headers["allow"] == "GET"
    assert wrong_method.json()["title"] == "Cette méthode HTTP n'est pas acceptée à cette adresse."


def test_a_status_outside_the_tree_keeps_its_number_and_a_french_title() -> None:
    error = error_for_status(416)
    assert (error.status, error.code) == (416, "http-416")
    assert error_for_status(415).code == "format-non-supporte"
