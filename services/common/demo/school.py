"""Whole demo schools: every SIECLE, STS and EDT file of one school and year, from one seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from services.common.demo import assemble
from services.common.demo.catalogue import SchoolKind, levels, nomenclature
from services.common.demo.etablissements import Identite, identite
from services.common.demo.people import Registry, links
from services.common.demo.plan import Plan, plan_school
from services.common.demo.timetable import alternances, appoint_profs_principaux, room_pool, schedule, staff
from services.common.formats import bee_commun as bc
from services.common.formats import bee_responsables as br
from services.common.formats.bee_eleves import BeeEleves
from services.common.formats.bee_nomenclatures import BeeNomenclatures
from services.common.formats.bee_structures import BeeStructures
from services.common.formats.binding import RawElement
from services.common.formats.edt_sts import EdtSts
from services.common.formats.import_eleves import ImportEleves
from services.common.formats.sts_edt import Academie, StsEdt, Uaj

# kind -> (pupils, divisions per level, name, code type, patron)
_SIZES = {
    SchoolKind.COLLEGE: (600, 6, "Collège Jean Moulin", "CLG", "JEAN MOULIN"),
    SchoolKind.LYCEE: (1800, 17, "Lycée Montesquieu", "LYC", "MONTESQUIEU"),
    SchoolKind.LYCEE_PRO: (450, 4, "Lycée professionnel Urbain Vitry", "LP", "URBAIN VITRY"),
    SchoolKind.CPGE: (240, 6, "Lycée Pierre de Fermat", "LYC", "PIERRE DE FERMAT"),
}
# department -> (academy code, academy, telephone prefix)
_ACADEMIES = {"031": ("16", "TOULOUSE", "05"), "033": ("04", "BORDEAUX", "05"), "075": ("01", "PARIS", "01")}
_HEADS = ("DUPONT Claire", "MARTIN Philippe", "BERNARD Sophie", "GIRARD Laurent")


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
    size, per_level, name, type_etab, patron = _SIZES[kind]
    rng = random.Random(f"{seed}:{uai}:{kind.value}")  # noqa: S311 - demo data, not secrets
    registry = Registry(rng)
    here = identite(rng, uai, type_etab, patron)
    plan = plan_school(
        rng, registry, levels(kind, divisions_per_level or per_level), pupils or size, year, here
    )
    individus = staff(rng, plan.teachings, year, first_id=rng.randrange(10_000, 60_000))
    appoint_profs_principaux(plan.teachings, individus, year)
    weeks = alternances(year)
    schedule(rng, plan.teachings, room_pool(len(plan.divisions)))
    etablissement = _uaj(here, name)
    catalogue = nomenclature()
    return DemoSchool(
        kind=kind,
        uai=uai,
        year=year,
        eleves=assemble.bee_eleves(plan, uai, year),
        responsables=_responsables(rng, registry, plan, uai, year),
        structures=assemble.bee_structures(plan, uai, year),
        commun=_commun(here, year, name, rng.choice(_HEADS)),
        nomenclatures=replace(catalogue, parametres=assemble.parametres(uai, year)),
        sts_edt=assemble.sts_edt(plan, etablissement, year, catalogue, individus),
        edt_sts=assemble.edt_sts(plan, uai, year, weeks),
        import_eleves=assemble.import_eleves(plan, uai, year),
    )


CPGE_UAI = "0311586F"


def demo_schools(year: int, seed: int) -> list[DemoSchool]:
    """The schools of ``make run``: a vocational lycée (0310053P), a collège (0332490C), a lycée
    (0750702F) and a lycée's classes préparatoires (0311586F)."""
    return [
        generate_school(SchoolKind.LYCEE_PRO, uai="0310053P", year=year, seed=seed),
        generate_school(SchoolKind.COLLEGE, uai="0332490C", year=year, seed=seed),
        generate_school(SchoolKind.LYCEE, uai="0750702F", year=year, seed=seed),
        generate_school(SchoolKind.CPGE, uai=CPGE_UAI, year=year, seed=seed),
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


def _uaj(here: Identite, name: str) -> Uaj:
    code, libelle, _phone = _ACADEMIES.get(here.uai[:3], _ACADEMIES["075"])
    return Uaj(
        code=here.uai,
        academie=Academie(code=code, libelle=libelle),
        sigle=here.sigle,
        denom_princ=name.upper(),
        denom_compl=here.denom_compl,
        code_nature=here.code_nature,
        code_categorie="1",  # [INFER] no sample shows STS's categories
        adresse=here.ligne1_adresse,
        boite_postale=here.boite_postale,
        code_postal=here.code_postal,
        commune=here.ll_commune_insee,
        cedex="1" if here.boite_postale else "0",
        telephone=here.telephone,
        statut="PU",
        etablissement_sensible="N",  # [INFER] flag shape unknown
    )


def _commun(here: Identite, year: int, name: str, head: str) -> bc.BeeCommun:
    """Communs.xml as the real sample writes it: every child of UAJ, empty ones as empty elements,
    both school years (ANNEE_SCOLAIRE and ANNEE_SCOLAIRE_AD, the previous one), empty calendars."""
    return bc.BeeCommun(
        version="1.7",
        parametres=assemble.parametres(here.uai, year),
        donnees=bc.DonneesCommun(
            uaj=bc.Etablissement(
                etab_uaj_id=here.etab_uaj_id,
                num_siren=here.num_siren,
                denom_princ=name,
                denom_compl="",
                nom_resp=head,
                qual_resp="PRINCIPAL" if here.type_etab == "CLG" else "PROVISEUR",
                ligne1_adresse=here.ligne1_adresse,
                ligne2_adresse=f"BP {here.boite_postale[2:]}" if here.boite_postale else "",
                ligne3_adresse="",
                ligne4_adresse="",
                boite_post=here.boite_postale[2:] if here.boite_postale else "",
                commune_etrangere="",
                telephone=here.telephone,
                telecopie=here.telecopie,
                mel_1=here.mel,
                mel_2=here.mel_gestion,
                code_type_etab=here.type_etab,
                secteur_code="PU",
                code_postal=here.code_postal,
                code_commune_insee=here.code_commune_insee,
                code_pays="100",
            ),
            annee_scolaire=_year_dates(year),
            annee_scolaire_ad=_year_dates(year - 1),
            periodes_pedagogiques=RawElement(tag="PERIODES_PEDAGOGIQUES"),
            calendriers_fermetures=RawElement(tag="CALENDRIERS_FERMETURES"),
        ),
    )


def _year_dates(year: int) -> bc.AnneeScolaire:
    # As in the real sample: pupils from 1 September, staff from the day before; the pupils' year runs
    # into the next one's first days.
    return bc.AnneeScolaire(
        date_debut_eleve=date(year, 9, 1),
        date_fin_eleve=date(year + 1, 9, 3),
        date_debut_prof=date(year, 8, 31),
        date_fin_prof=date(year + 1, 8, 30),
    )
