"""BEE's side of the rollover (services/common/rollover.py): the académie's nomenclatures of the year
being opened, the catalogue schools profile from, BEE's facts, and the gate that keeps a school's next
year closed to editors until BEE's bascule. Imports neither FastAPI nor nats.

A school's year Y is in rollover for BEE when its académie's nomenclatures for Y are loaded and BEE holds
the school's Y-1: from then until BEE's bascule, Y's flows are refused, even if STS's structures feed
had reached BEE. The bascule itself is :mod:`services.bee.rollover_copy`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee.models import AcademieNomenclatures, BeeRollover, SchoolYear
from services.bee.service import export_parametres
from services.common.academies import Academie, academie_of_uai, resolve_academie
from services.common.errors import InvalidInput
from services.common.formats import bee_nomenclatures as bn
from services.common.formats.bee_nomenclatures import BeeNomenclatures
from services.common.pull.journal import Scope
from services.common.records import from_data, to_data
from services.common.rollover import (
    BeeFacts,
    Catalogue,
    CatalogueRequest,
    Step,
    missing_step_error,
)
from services.common.rollover_gate import ExportService, gated_exports


def academie_named(slug: str) -> Academie:
    found = resolve_academie(slug)
    if found is None:
        raise InvalidInput(f"L'académie « {slug} » est inconnue.", code="academie-inconnue")
    return found


def academie_of(uai: str) -> Academie:
    found = academie_of_uai(uai)
    if found is None:
        raise InvalidInput(f"L'UAI « {uai} » ne désigne aucune académie connue.", code="uai-invalide")
    return found


# --- the académie's nomenclatures -----------------------------------------------------------------------
async def store_academie_nomenclatures(
    session: AsyncSession, academie: Academie, year: int, document: BeeNomenclatures, data: bytes
) -> int:
    """Keep (or replace: the ministry publishes corrections) the académie's catalogue for ``year``;
    returns its number of MEFs and subjects. Schools profiled already keep their profile."""
    row = await session.get(AcademieNomenclatures, (academie.slug, year))
    values = {
        "loaded_at": datetime.now(UTC),
        "sha256": hashlib.sha256(data).hexdigest(),
        "document": to_data(document),
    }
    if row is None:
        session.add(AcademieNomenclatures(academie=academie.slug, year=year, **values))
    else:
        row.loaded_at, row.sha256, row.document = values["loaded_at"], values["sha256"], values["document"]
    return len(document.donnees.mefs or []) + len(document.donnees.matieres or [])


async def academie_loaded(session: AsyncSession, academie: str, year: int) -> bool:
    # The document is large: ask for its key only.
    found = await session.exec(
        select(AcademieNomenclatures.year).where(
            AcademieNomenclatures.academie == academie, AcademieNomenclatures.year == year
        )
    )
    return found.first() is not None


async def academie_document(session: AsyncSession, uai: str, year: int) -> BeeNomenclatures:
    academie = academie_of(uai)
    row = await session.get(AcademieNomenclatures, (academie.slug, year))
    if row is None:
        raise missing_step_error(Step.CHARGEMENT_NOMENCLATURES, uai, year)
    return from_data(BeeNomenclatures, row.document)


def profiled_document(
    catalogue: BeeNomenclatures, scope: Scope, mefs: Iterable[str], matieres: Iterable[str]
) -> BeeNomenclatures:
    """The school's Nomenclature.xml of the year: the académie's, down to its profile."""
    kept_mefs, kept_matieres = set(mefs), set(matieres)
    donnees = catalogue.donnees

    def both(item: bn.Programme | bn.OptionObligatoire) -> bool:
        return item.code_mef in kept_mefs and item.code_matiere in kept_matieres

    return replace(
        catalogue,
        parametres=export_parametres(scope),
        donnees=replace(
            donnees,
            mefs=[mef for mef in donnees.mefs or [] if mef.code_mef in kept_mefs],
            matieres=[matiere for matiere in donnees.matieres or [] if matiere.code_matiere in kept_matieres],
            programmes=[item for item in donnees.programmes or [] if both(item)],
            options_obligatoires=[item for item in donnees.options_obligatoires or [] if both(item)],
        ),
    )


async def catalogue_for(session: AsyncSession, request: CatalogueRequest) -> Catalogue:
    """The profile's records as STS holds them; a code the académie does not publish is refused."""
    document = await academie_document(session, request.uai, request.year)
    donnees = document.donnees
    _ensure_known("MEF", request.mefs, {mef.code_mef for mef in donnees.mefs or []})
    _ensure_known("matière", request.matieres, {m.code_matiere for m in donnees.matieres or []})
    school = profiled_document(document, Scope(request.uai, request.year), request.mefs, request.matieres)
    return Catalogue(
        matieres=[_sts_matiere(matiere) for matiere in school.donnees.matieres or []],
        mefs=[_sts_mef(mef) for mef in school.donnees.mefs or []],
        civilites=[
            {"code": c.code_civilite, "libelle_court": c.libelle_court, "libelle_long": c.libelle_long}
            for c in donnees.civilites or []
        ],
        programmes=[
            {
                k: to_data(getattr(p, k))
                for k in ("code_mef", "code_matiere", "code_modalite_elect", "horaire")
            }
            for p in school.donnees.programmes or []
        ],
    )


def _ensure_known(kind: str, asked: list[str], known: set[str]) -> None:
    unknown = sorted(set(asked) - known)
    if unknown:
        raise InvalidInput(
            f"Code(s) {kind} absent(s) des nomenclatures de l'académie : {', '.join(unknown[:20])}.",
            code="codes-inconnus",
            codes=unknown,
        )


def _sts_matiere(matiere: bn.Matiere) -> dict[str, str | None]:
    return {
        "code": matiere.code_matiere,
        "code_gestion": matiere.code_gestion,
        "libelle_court": matiere.libelle_court,
        "libelle_long": matiere.libelle_long,
        "libelle_edition": matiere.libelle_edition,
    }


def _sts_mef(mef: bn.Mef) -> dict[str, str | None]:
    return {
        "code": mef.code_mef,
        "formation": mef.formation,
        "libelle_long": mef.libelle_long,
        "libelle_edition": mef.libelle_edition,
    }


# --- facts and the gate ---------------------------------------------------------------------------------
async def facts(session: AsyncSession, scope: Scope) -> BeeFacts:
    academie = academie_of_uai(scope.uai)
    return BeeFacts(
        uai=scope.uai,
        year=scope.year,
        academie=academie.slug if academie else None,
        annee_precedente=await holds(session, previous(scope)),
        nomenclatures_chargees=academie is not None
        and await academie_loaded(session, academie.slug, scope.year),
        bascule_faite=await session.get(BeeRollover, (scope.uai, scope.year)) is not None,
    )


async def ensure_open(session: AsyncSession, scope: Scope) -> None:
    """Refuse the flows of a year in rollover (see the module's docstring) until BEE's bascule."""
    if await _closed(session, scope):
        raise missing_step_error(Step.BASCULE_BEE, scope.uai, scope.year)


async def is_open(session: AsyncSession, scope: Scope) -> bool:
    """The year is held and its flows may run (what the import sequencing calls ``annee_ouverte``)."""
    return await holds(session, scope) and not await _closed(session, scope)


async def _closed(session: AsyncSession, scope: Scope) -> bool:
    if await session.get(BeeRollover, (scope.uai, scope.year)) is not None:
        return False
    academie = academie_of_uai(scope.uai)
    if academie is None or not await academie_loaded(session, academie.slug, scope.year):
        return False
    return await holds(session, previous(scope))


def gated(export: ExportService) -> ExportService:
    """BEE's exports behind the rollover gate (:mod:`services.common.rollover_gate`)."""
    return gated_exports("bee", export, ensure_open, holds)


async def schools_to_bascule(session: AsyncSession, academie: Academie, year: int) -> list[str]:
    """The académie's schools BEE holds in ``year - 1``, by UAI."""
    rows = await session.exec(
        select(SchoolYear.uai).where(SchoolYear.year == year - 1).order_by(col(SchoolYear.uai))
    )
    return [uai for uai in rows.all() if (found := academie_of_uai(uai)) and found.slug == academie.slug]


async def holds(session: AsyncSession, scope: Scope) -> bool:
    return await session.get(SchoolYear, (scope.uai, scope.year)) is not None


def previous(scope: Scope) -> Scope:
    return Scope(scope.uai, scope.year - 1)
