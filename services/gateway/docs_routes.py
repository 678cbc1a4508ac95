"""The editors' documentation, served by the gateway itself and loading nothing from outside.

``/docs`` (the overview and every route), ``/docs/api`` (Swagger UI, from the ``swagger-ui-bundle-v2``
package's own files), ``/docs/references`` (the XSDs, a sample file of each flow from the sandbox school's
demo data, the product → flows table) and, like every service, ``/docs/erreurs`` (the error catalogue).
No certificate is needed to read them: the TLS handshake asks for one without requiring it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.common.docs_pages import STATUS_NAMES, TEMPLATE_DIR
from services.common.errors import NotFound
from services.common.formats.schemas import XSD_DIR
from services.common.pki.profile import school_year_start
from services.common.products import DEFAULT_PRODUCT_FLOWS
from services.common.sandbox import SANDBOX_UAI, SampleFile, sample_files, sandbox_school
from services.gateway.flows import EXPORTS, IMPORTS

_HERE = Path(__file__).resolve().parent
TEMPLATES = Environment(
    loader=FileSystemLoader([_HERE / "templates", TEMPLATE_DIR]), autoescape=select_autoescape(["html"])
)
XML_MEDIA = "application/xml"


def install_docs(app: FastAPI) -> None:
    app.mount("/docs/api/ui", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger-ui")
    app.mount("/docs/static", StaticFiles(directory=_HERE / "static"), name="docs-static")
    app.include_router(_router(app))


def _render(template: str, **values: object) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(template).render(status_names=STATUS_NAMES, **values))


def _router(app: FastAPI) -> APIRouter:
    router = APIRouter(prefix="/docs", include_in_schema=False)

    @router.get("", response_class=HTMLResponse)
    async def overview() -> HTMLResponse:
        return _render("docs.html", operations=_operations(app), sandbox=SANDBOX_UAI)

    @router.get("/api", response_class=HTMLResponse)
    async def swagger() -> HTMLResponse:
        return _render("swagger.html")

    @router.get("/references", response_class=HTMLResponse)
    async def references(request: Request) -> HTMLResponse:
        return _render(
            "references.html",
            schemas=_schema_files(),
            samples=_samples(_year()),
            products=sorted(DEFAULT_PRODUCT_FLOWS.items()),
            flows=[*EXPORTS, *IMPORTS],
            sandbox=SANDBOX_UAI,
        )

    @router.get("/references/xsd/{name}")
    async def xsd(name: str) -> Response:
        if name not in _schema_files():
            raise NotFound(f"Aucun schéma « {name} ».", code="reference-inconnue")
        return Response((XSD_DIR / name).read_bytes(), media_type=XML_MEDIA)

    @router.get("/references/exemples/{filename}")
    async def sample(filename: str) -> Response:
        found = next((s for s in _samples(_year()) if s.filename == filename), None)
        if found is None:
            raise NotFound(f"Aucun fichier d'exemple « {filename} ».", code="reference-inconnue")
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(found.data, media_type=XML_MEDIA, headers=headers)

    return router


def _operations(app: FastAPI) -> list[tuple[str, str, str]]:
    """(METHOD, path, summary) of every documented route, in the document's order."""
    return [
        (method.upper(), path, str(operation.get("summary", "")))
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
    ]


def _year() -> int:
    return school_year_start(datetime.now(UTC))


def _schema_files() -> list[str]:
    return sorted(path.name for path in XSD_DIR.glob("*.xsd"))


@cache
def _samples(year: int) -> list[SampleFile]:
    # Generated once per school year and process: a small school, written in well under a second.
    return sample_files(sandbox_school(year))
