"""BEE's domain: the school years it holds and the documents it serves. Imports neither FastAPI nor nats."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee.documents import load_document, store_document
from services.bee.models import SchoolYear
from services.common.errors import NotFound
from services.common.formats.bee_nomenclatures import BeeNomenclatures
from services.common.formats.common import Parametres

NOMENCLATURES = "nomenclatures"


async def ensure_school_year(session: AsyncSession, uai: str, year: int) -> SchoolYear:
    school_year = await session.get(SchoolYear, (uai, year))
    if school_year is None:
        raise NotFound(
            f"L'année scolaire {year}-{year + 1} n'est pas ouverte pour l'établissement {uai}.",
            code="annee-inconnue",
        )
    return school_year


async def open_school_year(session: AsyncSession, uai: str, year: int) -> SchoolYear:
    school_year = await session.get(SchoolYear, (uai, year))
    if school_year is None:
        school_year = SchoolYear(uai=uai, year=year, opened_at=datetime.now(UTC))
        session.add(school_year)
    return school_year


async def replace_nomenclatures(
    session: AsyncSession, uai: str, year: int, document: BeeNomenclatures
) -> int:
    await open_school_year(session, uai, year)
    return await store_document(session, uai, year, NOMENCLATURES, document)


async def nomenclatures_for(session: AsyncSession, uai: str, year: int) -> tuple[BeeNomenclatures, int]:
    """The school's nomenclatures, headed as an export made now."""
    await ensure_school_year(session, uai, year)
    found = await load_document(
        session, uai, year, NOMENCLATURES, BeeNomenclatures, export_parametres(uai, year)
    )
    if found is None:
        raise NotFound(
            f"Les nomenclatures {year} de l'établissement {uai} ne sont pas encore chargées.",
            code="nomenclatures-absentes",
        )
    return found


def export_parametres(uai: str, year: int, now: datetime | None = None) -> Parametres:
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return Parametres(uaj=uai, annee_scolaire=year, date_export=moment.date(), horodatage=moment)
