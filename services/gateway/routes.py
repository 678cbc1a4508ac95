"""The editors' API: one base path per school and year, flows named as users know them.

Every export answers the real file by default; ``?format=zip|json`` (or ``Accept: application/zip`` /
``application/json``) asks for the zip SIECLE ships or for JSON; ``?depuis=<curseur>`` for what changed
since a cursor; ``If-None-Match`` with the last ``ETag`` for a ``304`` when nothing changed. See
``docs/pull-flows.md``.
"""

# No `from __future__ import annotations` here: FastAPI must see the endpoints' annotations evaluated,
# and those built in _export_endpoint close over their flow.
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response, StreamingResponse

from services.common.exports import ExportFormat
from services.common.openapi import problem_responses
from services.gateway import flows
from services.gateway.deps import StateDep, exchange_for
from services.gateway.exports import ExportOptions, etags, negotiate, serve_export
from services.gateway.flows import Flow
from services.gateway.sync import Exchange

_FILE = {"schema": {"type": "string", "format": "binary"}}
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Le fichier (XML ISO-8859-15 par défaut, zip ou JSON selon `format` ou Accept)",
        "content": {"application/xml": _FILE, "application/zip": _FILE, "application/json": {"schema": {}}},
    },
    304: {"description": "Rien n'a changé depuis l'ETag envoyé dans If-None-Match"},
    **problem_responses(403, 404, 409),
}
router = APIRouter(prefix="/v1/etablissements/{uai}/annees/{annee}", responses=EXPORT_RESPONSES)

FormatQuery = Annotated[
    ExportFormat | None, Query(alias="format", description="xml (défaut), zip (comme SIECLE) ou json")
]
SinceQuery = Annotated[
    str | None, Query(alias="depuis", description="curseur d'un export précédent : seulement les changements")
]
AcceptHeader = Annotated[str | None, Header()]
IfNoneMatchHeader = Annotated[str | None, Header()]
AddressesQuery = Annotated[
    bool, Query(alias="adresses", description="1 : ElevesAvecAdresses (défaut) ; 0 : ElevesSansAdresses")
]
ExportEndpoint = Callable[..., Awaitable[Response]]


def _export_endpoint(flow: Flow) -> ExportEndpoint:
    async def export(
        state: StateDep,
        exchange: Annotated[Exchange, exchange_for(flow)],
        format_: FormatQuery = None,
        depuis: SinceQuery = None,
        accept: AcceptHeader = None,
        if_none_match: IfNoneMatchHeader = None,
    ) -> Response:
        options = ExportOptions(negotiate(format_, accept), depuis, True, etags(if_none_match))
        return await serve_export(state, exchange, flow, options)

    return export


@router.get("/eleves", response_class=StreamingResponse)
async def export_eleves(
    state: StateDep,
    exchange: Annotated[Exchange, exchange_for(flows.ELEVES)],
    adresses: AddressesQuery = True,
    format_: FormatQuery = None,
    depuis: SinceQuery = None,
    accept: AcceptHeader = None,
    if_none_match: IfNoneMatchHeader = None,
) -> Response:
    options = ExportOptions(negotiate(format_, accept), depuis, adresses, etags(if_none_match))
    return await serve_export(state, exchange, flows.ELEVES, options)


for _flow in flows.EXPORTS:
    if _flow is not flows.ELEVES:
        router.add_api_route(
            f"/{_flow.name}",
            _export_endpoint(_flow),
            methods=["GET"],
            response_class=StreamingResponse,
            name=f"export_{_flow.name.replace('-', '_')}",
            summary=f"Export « {_flow.name} »",
        )
