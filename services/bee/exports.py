"""The exports BEE serves, by flow name."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee.service import nomenclatures_for
from services.common.errors import NotFound
from services.common.exports import XML_MEDIA_TYPE, ExportDocument, ExportRequest
from services.common.formats.bee_nomenclatures import write_bee_nomenclatures


async def build_export(session: AsyncSession, request: ExportRequest) -> ExportDocument:
    if request.flow == "nomenclatures":
        return await _nomenclatures(session, request)
    raise NotFound(f"Le flux « {request.flow} » n'existe pas dans BEE.", code="flux-inconnu")


async def _nomenclatures(session: AsyncSession, request: ExportRequest) -> ExportDocument:
    document, count = await nomenclatures_for(session, request.uai, request.year)
    return ExportDocument(
        filename="Nomenclature.xml",
        content_type=XML_MEDIA_TYPE,
        body=write_bee_nomenclatures(document),
        counts={"elements": count},
    )
