"""Whole demo schools: every SIECLE, STS and EDT file of one school and year, from one seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from services.common.demo import assemble
from services.common.demo.catalogue import SchoolKind, levels, nomenclature
from services.common.demo.people import Registry, links
from services.common.demo.plan import Plan, plan_school
from services.common.demo.timetable import alternances, appoint_profs_principaux, room_pool, schedule, staff
from services.common.formats import bee_commun as bc
from services.common.formats import bee_responsables as br
from services.common.formats.bee_eleves import BeeEleves
from services.common.formats.bee_nomenclatures import BeeNomenclatures
from services.common.formats.bee_structures import BeeStructures
from services.common.formats.edt_sts import EdtSts
from services.common.formats.import_eleves import ImportEleves
from services.common.formats.sts_edt import Academie, StsEdt, Uaj

# kind -> (pupils, divisions per level, name, code type)
_SIZES = {
    SchoolKind.COLLEGE: (600, 6, "Collège Jean Moulin", "CLG"),
    SchoolKind.LYCEE: (1800, 17, "Lycée Montesquieu", "LYC"),
    SchoolKind.LYCEE_PRO: (450, 4, "Lycée professionnel Urbain Vitry", "LP"),
}
# department -> (academy code, academy, telephone prefix)
_ACADEMIES = {"031": ("16", "TOULOUSE", "05"), "033": ("04", "BORDEAUX", "05"), "075": ("01", "PARIS", "01")}


@dataclass(slots=True)
class DemoSchool:
    """Every file of one school and year; ``eleves`` is the *avec adresses* export."""

    kind: SchoolKind
    uai: str
    year: int
    eleves: BeeEleves
    responsables: br.BeeResponsables
    structures: BeeStructures
    commun: bc.BeeCommun
    nomenclatures: BeeNomenclatures
    sts_edt: StsEdt
    edt_sts: EdtSts
    import_eleves: ImportEleves


def generate_school(
    kind: SchoolKind,
    *,
    uai: str,
    year: int,
    seed: int,
    pupils: int | None = None,
    divisions_per_level: int | None = None,
) -> DemoSchool:
    """A realistic, self-consistent school, the same for the same arguments (``random.Random`` of its
    own, seeded by ``seed``, ``uai`` and ``kind``); ``pupils`` and ``divisions_per_level`` override the
    kind's usual size."""
    size, per_level, name, type_etab = _SIZES[kind]
    rng = random.Random(f"{seed}:{uai}:{kind.value}")  # noqa: S311 - demo data, not secrets
    registry = Registry(rng)
    departement = uai[:3]
    plan = plan_school(
        rng, registry, levels(kind, divisions_per_level or per_level), pupils or size, year, departement
    )
    individus = staff(rng, plan.teachings, year, first_id=rng.randrange(10_000, 60_000))
    appoint_profs_principaux(plan.teachings, individus, year)
    weeks = alternances(year)
    schedule(rng, plan.teachings, room_pool(len(plan.divisions)))
    etablissement = _uaj(uai, name, departement)
    catalogue = nomenclature()
    return DemoSchool(
        kind=kind,
        uai=uai,
        year=year,
        eleves=assemble.bee_eleves(plan, uai, year),
        responsables=_responsables(rng, registry, plan, uai, year),
        structures=assemble.bee_structures(plan, uai, year),
        commun=_commun(uai, year, name, type_etab, etablissement),
        nomenclatures=replace(catalogue, parametres=assemble.parametres(uai, year)),
        sts_edt=assemble.sts_edt(plan, etablissement, year, catalogue, individus),
        edt_sts=assemble.edt_sts(plan, uai, year, weeks),
        import_eleves=assemble.import_eleves(plan, uai, year),
    )


def demo_schools(year: int, seed: int) -> list[DemoSchool]:
    """The schools of ``make run``: a vocational lycée (0310053P), a collège (0332490C) and a lycée
    (0750702F)."""
    return [
        generate_school(SchoolKind.LYCEE_PRO, uai="0310053P", year=year, seed=seed),
        generate_school(SchoolKind.COLLEGE, uai="0332490C", year=year, seed=seed),
        generate_school(SchoolKind.LYCEE, uai="0750702F", year=year, seed=seed),
    ]


def large_lycee(year: int, seed: int, *, uai: str = "0750702F") -> DemoSchool:
    """The benchmark school: 2,000 pupils in 120 divisions, about 400 groups and 180 teachers."""
    return generate_school(
        SchoolKind.LYCEE, uai=uai, year=year, seed=seed, pupils=2000, divisions_per_level=40
    )


def _responsables(
    rng: random.Random, registry: Registry, plan: Plan, uai: str, year: int
) -> br.BeeResponsables:
    responsables = [link for household in plan.families for link in links(rng, registry, household)]
    personnes = [
        person
        for household in plan.families
        for person in (*household.guardians, *household.duplicates.values())
    ]
    return br.BeeResponsables(
        version="1.9",
        parametres=assemble.parametres(uai, year),
        donnees=br.DonneesResponsables(
            personnes=personnes,
            responsables=responsables,
            adresses=[household.adresse for household in plan.families],
        ),
    )


def _uaj(uai: str, name: str, departement: str) -> Uaj:
    code, libelle, phone = _ACADEMIES.get(departement, _ACADEMIES["075"])
    return Uaj(
        code=uai,
        academie=Academie(code=code, libelle=libelle),
        denom_princ=name.upper(),
        code_nature="300" if name.startswith("Lycée") else "340",
        code_postal=f"{departement[1:]}000",
        commune=libelle,
        telephone=f"{phone} {uai[1:3]} {uai[3:5]} {uai[5:7]} 00",
        statut="PU",
    )


def _commun(uai: str, year: int, name: str, type_etab: str, uaj: Uaj) -> bc.BeeCommun:
    return bc.BeeCommun(
        version="1.7",
        parametres=assemble.parametres(uai, year),
        donnees=bc.DonneesCommun(
            uaj=bc.Etablissement(
                denom_princ=name,
                qual_resp="PROVISEUR" if type_etab != "CLG" else "PRINCIPAL",
                telephone=uaj.telephone,
                mel_1=f"ce.{uai}@ac-{(uaj.commune or 'paris').lower()}.fr",
                code_type_etab=type_etab,
                secteur_code="PU",
                code_postal=uaj.code_postal,
                code_pays="100",
            ),
            annee_scolaire=bc.AnneeScolaire(
                date_debut_eleve=date(year, 9, 1),
                date_fin_eleve=date(year + 1, 7, 4),
                date_debut_prof=date(year, 8, 31),
                date_fin_prof=date(year + 1, 8, 31),
            ),
        ),
    )
