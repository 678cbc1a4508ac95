"""The gateway's OpenAPI document, written for editors: French, with examples and every problem code.

FastAPI builds the paths and schemas from the routes; this module adds what it cannot know, from
:mod:`services.gateway.route_docs` and the error catalogue: summaries and descriptions in French, example
requests and answers, the ``mutualTLS`` security scheme (a client certificate is the only credential),
and for each route the problem+json answers it can give, one example per code with its French title.
``x-problemes`` lists the same codes for programs.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from services.common.docs_pages import STATUS_NAMES
from services.common.errors import PROBLEM_MEDIA_TYPE
from services.common.problem_catalogue import catalogue, problem_type
from services.gateway.route_docs import ROUTES, SYNC_ID, RouteDoc

SECURITY_SCHEME = "certificatClient"
# Every route: the certificate and the platform's own availability.
COMMON_PROBLEMS = (
    "certificat-absent",
    "certificat-illisible",
    "certificat-expire",
    "certificat-pas-encore-valide",
    "certificat-autorite-inconnue",
    "certificat-incoherent",
    "certificat-usage-invalide",
    "certificat-revoque",
    "editeur-non-habilite",
    "produit-non-habilite",
    "requete-invalide",
    "revocations-non-chargees",
    "bus-indisponible",
)
# Routes of one school and year: the path is checked against the certificate.
SCHOOL_PROBLEMS = ("uai-invalide", "annee-invalide", "etablissement-non-autorise", "flux-non-autorise")

DESCRIPTION = """\
L'API des éditeurs de NetSynchro : les exports SIECLE et STS-WEB dans leur format réel et les imports
(emploi du temps, liens élèves-groupes), pour un établissement et une année scolaire.

**Authentification** : un certificat client X.509 délivré par GIN-WEB au chef d'établissement pour un
produit habilité (TLS mutuel). Il ne donne accès qu'à son établissement et aux flux de son produit.

**Erreurs** : toute erreur est une réponse `application/problem+json` (RFC 9457) avec un `code` stable,
un `title` en français et le `sync_id` de l'échange ; `type` renvoie à la page du code dans le
[catalogue des erreurs](/docs/erreurs).

**Bac à sable** : l'établissement `0319999A` est réservé aux essais des éditeurs, voir [la
documentation](/docs)."""


def install_openapi(app: FastAPI) -> None:
    """Replace the app's document builder by one that documents every route for editors."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=DESCRIPTION, routes=app.routes
            )
            app.openapi_schema = enrich(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def enrich(document: dict[str, Any]) -> dict[str, Any]:
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})[SECURITY_SCHEME] = {
        "type": "mutualTLS",
        "description": "Certificat client délivré par GIN-WEB (établissement, éditeur, produit).",
    }
    components.setdefault("schemas", {})["Probleme"] = PROBLEM_SCHEMA
    document["security"] = [{SECURITY_SCHEME: []}]
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            doc = ROUTES.get((method, path))
            if doc is not None:
                _document(operation, doc)
    return document


def codes_of(doc: RouteDoc) -> list[str]:
    """Every problem code the route can answer, the shared ones first."""
    codes = [*COMMON_PROBLEMS, *(SCHOOL_PROBLEMS if doc.school else ()), *doc.problems]
    return list(dict.fromkeys(codes))


PARAMETERS = {
    "uai": ("UAI de l'établissement (celui du certificat).", "0319999A"),
    "annee": ("Année scolaire, par son année de rentrée (2026 : 2026-2027).", 2026),
    "sync_id": ("Identifiant de la synchronisation rendu par l'import.", SYNC_ID),
    "if-none-match": ("L'ETag d'un export précédent : 304 si rien n'a changé.", '"3f9a…"'),
    "accept": ("application/xml (défaut), application/zip ou application/json.", "application/xml"),
    "idempotency-key": (
        "Une clé par fichier : un renvoi du même fichier rend la même synchronisation.",
        "edt-2026-09-01-1",
    ),
    "content-type": ("application/xml ou application/zip.", "application/xml"),
}


def _describe_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        known = PARAMETERS.get(str(parameter.get("name", "")).lower())
        if known is not None:
            parameter.setdefault("description", known[0])
            parameter.setdefault("example", known[1])


def _document(operation: dict[str, Any], doc: RouteDoc) -> None:
    _describe_parameters(operation)
    operation["summary"] = doc.summary
    operation["description"] = doc.description
    operation["x-problemes"] = codes_of(doc)
    responses: dict[str, Any] = operation.setdefault("responses", {})
    success = next((status for status in responses if status.startswith("2")), "200")
    answer = responses.setdefault(success, {})
    answer["description"] = "Accepté : l'import est en file" if success == "202" else "Succès"
    _example_answer(answer, doc)
    if doc.request_example is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}, "example": doc.request_example}
                for media in ("application/xml", "application/zip")
            },
        }
    _problem_answers(responses, codes_of(doc))
    operation["responses"] = dict(sorted(responses.items()))


def _example_answer(response: dict[str, Any], doc: RouteDoc) -> None:
    content = response.setdefault("content", {})
    media = content.setdefault(doc.response_media, {})
    media.setdefault("schema", {"type": "string"} if doc.response_media != "application/json" else {})
    if doc.response_example is not None:
        media["example"] = doc.response_example


def _problem_answers(responses: dict[str, Any], codes: list[str]) -> None:
    entries = catalogue()
    by_status: dict[int, list[str]] = {}
    for code in codes:
        for status in entries[code].statuses:
            by_status.setdefault(status, []).append(code)
    for status, status_codes in sorted(by_status.items()):
        response = responses.setdefault(str(status), {})
        listing = "\n".join(
            f"- [`{code}`]({problem_type(code)}) : {entries[code].title}" for code in status_codes
        )
        response["description"] = f"{STATUS_NAMES.get(status, str(status))}\n\n{listing}"
        media = response.setdefault("content", {}).setdefault(PROBLEM_MEDIA_TYPE, {})
        media["schema"] = {"$ref": "#/components/schemas/Probleme"}
        media["examples"] = {
            code: {"summary": entries[code].title, "value": _problem_example(code, status)}
            for code in status_codes
        }


def _problem_example(code: str, status: int) -> dict[str, Any]:
    return {
        "type": problem_type(code),
        "title": catalogue()[code].title,
        "status": status,
        "code": code,
        "sync_id": SYNC_ID,
    }


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Un problème RFC 9457 ; `code` est stable, `title` est en français.",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string", "description": "Page du catalogue des erreurs qui explique le code."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "sync_id": {"type": "string", "description": "L'échange tel que la supervision l'a enregistré."},
    },
    "additionalProperties": True,
}
