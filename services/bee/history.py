"""The pupils' schooling history (flow ``historique-eleves``), from the school years BEE holds.

For each pupil of the school's year: one SCOLARITE per year BEE holds for the same school in which the
pupil is found (by INE, else by ELEVE_ID, which the bascule keeps), oldest first, with its MEF, division
and dates; and SCOLARITE_AN_DERNIER as SIECLE wrote it, its MEF and division taken from the previous
year when BEE holds that year (what the school recorded then is what happened). Years of other schools
are not searched: a pupil who came from elsewhere has that school in SCOLARITE_AN_DERNIER only.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import service
from services.bee.documents import load_document
from services.bee.models import EleveRow, SchoolYear, StructureLink
from services.common.errors import NotFound
from services.common.formats import bee_historique as bh
from services.common.formats.bee_commun import BeeCommun
from services.common.formats.bee_eleves import Eleve
from services.common.pull.journal import Scope
from services.common.records import from_data


async def history_for(session: AsyncSession, scope: Scope, now: datetime) -> bh.BeeHistoriqueEleves:
    """The history of the pupils of ``scope``, headed as an export made ``now``."""
    years = await _years(session, scope)
    if scope.year not in years:
        raise NotFound(
            f"Les élèves {scope.year} de l'établissement {scope.uai} ne sont pas chargés.",
            code="eleves-absents",
        )
    pupils: list[Eleve] = []
    held: dict[int, bh.Year] = {}
    for year in (year for year in years if year <= scope.year):
        rows, name = await _year(session, Scope(scope.uai, year))
        held[year] = ({bh.identity(row[0]): row for row in rows}, name)
        if year == scope.year:
            pupils = [pupil for pupil, _division in rows]
    eleves = [bh.pupil_history(pupil, scope.uai, scope.year, held) for pupil in pupils]
    return bh.BeeHistoriqueEleves(
        version=bh.VERSION,
        parametres=service.export_parametres(scope, now),
        donnees=bh.DonneesHistorique(eleves=eleves),
    )


def empty_history(scope: Scope, now: datetime) -> bh.BeeHistoriqueEleves:
    return bh.BeeHistoriqueEleves(
        version=bh.VERSION, parametres=service.export_parametres(scope, now), donnees=bh.DonneesHistorique()
    )


_Year = tuple[list[tuple[Eleve, str | None]], str | None]  # pupils with their division, school's name


async def _years(session: AsyncSession, scope: Scope) -> list[int]:
    rows = await session.exec(select(SchoolYear.year).where(SchoolYear.uai == scope.uai))
    return sorted(set(rows.all()))


async def _year(session: AsyncSession, scope: Scope) -> _Year:
    rows = (
        await session.exec(
            select(EleveRow.record).where(EleveRow.uai == scope.uai, EleveRow.year == scope.year)
            .order_by(col(EleveRow.eleve_id))
        )
    ).all()  # fmt: skip
    links = (
        await session.exec(
            select(StructureLink.eleve_id, StructureLink.code_structure).where(
                StructureLink.uai == scope.uai,
                StructureLink.year == scope.year,
                StructureLink.type_structure == "D",
            )
        )
    ).all()
    division = {eleve_id: code for eleve_id, code in links}
    pupils = [(pupil, division.get(pupil.eleve_id)) for pupil in (from_data(Eleve, row) for row in rows)]
    commun = await load_document(session, scope.uai, scope.year, service.ETABLISSEMENT, BeeCommun, None)
    uaj = commun[0].donnees.uaj if commun is not None else None
    return pupils, uaj.denom_princ if uaj is not None else None
