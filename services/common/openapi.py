"""What every service's OpenAPI document says about errors: the responses it really returns.

Errors are RFC 9457 ``application/problem+json`` (:class:`Problem`), never FastAPI's ``422`` (the
validation handler answers 400 ``requete-invalide``). Routes declare the problems they can raise with
``responses=problem_responses(404, 409)``; :func:`install_openapi` then removes the 422s, adds 400 to
every operation that takes a parameter or a body, and the statuses that every operation of the service
can return (the gateway's 401 and 503, for instance).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from services.common.errors import PROBLEM_MEDIA_TYPE

_PROBLEM_REF = {"$ref": "#/components/schemas/Probleme"}
DESCRIPTIONS = {
    400: "Requête invalide (paramètre, en-tête ou corps)",
    401: "Authentification absente ou refusée",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non acceptée à cette adresse",
    408: "Corps interrompu : rien n'est arrivé pendant le délai de lecture",
    409: "Impossible dans l'état actuel",
    413: "Corps trop volumineux",
    415: "Type de contenu non pris en charge",
    429: "Trop de requêtes : réessayer après Retry-After",
    503: "Service momentanément indisponible : réessayer après Retry-After",
}


class Problem(BaseModel):
    """An RFC 9457 problem; ``code`` is the stable machine code, ``title`` the French message."""

    model_config = ConfigDict(extra="allow", title="Probleme")

    type: str = Field(description="URI de la documentation du code")
    title: str = Field(description="message en français, pour les utilisateurs")
    status: int
    code: str = Field(description="code stable, jamais renommé")
    detail: str | None = None
    instance: str | None = None
    sync_id: str | None = Field(
        default=None, description="la synchronisation sous laquelle l'erreur est journalisée"
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route or a router: these statuses answer a :class:`Problem`."""
    return {status: _problem_response(status) for status in statuses}


def install_openapi(app: FastAPI, *, every_operation: Iterable[int] = ()) -> None:
    """Rewrite the app's document once, when first asked for: problems instead of 422, 400 wherever
    the framework validates input, ``every_operation`` statuses on every operation."""
    generate = app.openapi
    common = tuple(every_operation)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_problems(generate(), common)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _with_problems(document: dict[str, Any], common: tuple[int, ...]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    # "Probleme": the name the gateway's editors' document gives it; whichever is there first stays.
    schemas.setdefault("Probleme", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
            for status in (*common, *((400,) if takes_input else ())):
                responses.setdefault(str(status), _problem_response(status))
    return document


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS.get(status, "Erreur"),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
    }
