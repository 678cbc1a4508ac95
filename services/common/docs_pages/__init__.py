"""Documentation pages every service serves: the error catalogue that problem ``type`` URIs point to.

``/docs/erreurs`` lists every code (:func:`services.common.problem_catalogue.catalogue`),
``/docs/erreurs/<code>`` explains one, ``/docs/erreurs.json`` is the same list for programs. The pages load
nothing from outside the service (no CDN): they work on a school network and an air-gapped deployment.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel

from services.common.errors import NotFound
from services.common.problem_catalogue import RECORD, CatalogueEntry, catalogue

_HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = _HERE / "templates"
TEMPLATES = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
STATUS_NAMES = {
    RECORD: "Ligne d'un rapport d'import",
    400: "400 Requête invalide",
    401: "401 Authentification refusée",
    403: "403 Accès refusé",
    404: "404 Introuvable",
    405: "405 Méthode non autorisée",
    406: "406 Format de réponse non disponible",
    409: "409 Conflit",
    413: "413 Trop volumineux",
    415: "415 Format non pris en charge",
    429: "429 Trop de requêtes",
    500: "500 Erreur interne",
    503: "503 Indisponible",
}


class CodeRead(BaseModel):
    code: str
    statuts: list[int]
    titre: str
    conseil: str
    ligne_de_rapport: bool


def render(template: str, **values: object) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(template).render(**values))


def _read(entry: CatalogueEntry) -> CodeRead:
    return CodeRead(
        code=entry.code,
        statuts=list(entry.statuses),
        titre=entry.title,
        conseil=entry.advice,
        ligne_de_rapport=entry.is_record_code,
    )


def catalogue_router() -> APIRouter:
    router = APIRouter(prefix="/docs", include_in_schema=False)

    @router.get("/erreurs/style/docs.css")
    async def stylesheet() -> Response:
        # A file, not an inline <style>: the security headers' policy allows only this origin's files.
        return Response((_HERE / "static" / "docs.css").read_bytes(), media_type="text/css")

    @router.get("/erreurs.json")
    async def codes_json() -> list[CodeRead]:
        return [_read(entry) for entry in catalogue().values()]

    @router.get("/erreurs", response_class=HTMLResponse)
    async def codes_page() -> HTMLResponse:
        by_status: dict[int, list[CatalogueEntry]] = {}
        for entry in catalogue().values():
            by_status.setdefault(entry.statuses[0], []).append(entry)
        groups = [(STATUS_NAMES.get(s, str(s)), by_status[s]) for s in sorted(by_status, key=_order)]
        return render("erreurs.html", groups=groups, status_names=STATUS_NAMES)

    @router.get("/erreurs/{code}", response_class=HTMLResponse)
    async def code_page(code: str) -> HTMLResponse:
        entry = catalogue().get(code)
        if entry is None:
            raise NotFound(f"Aucun code d'erreur « {code} » au catalogue.", code="code-inconnu")
        return render("erreur.html", entry=entry, status_names=STATUS_NAMES)

    return router


def _order(status: int) -> int:
    return status if status != RECORD else 10_000
