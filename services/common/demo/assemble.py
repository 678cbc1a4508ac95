"""From a :class:`~.plan.Plan` to the models of every format, all telling the same story.

Divisions and groups carry the same codes in Structures, STS_EDT, EDT_STS, the pupils' STRUCTURES and
IMPORT_ELEVES; teachers of STS services are STS individuals; courses point to the declared weeks and
rooms. STS_EDT is the export *before* any timetable upload (services without courses); EDT_STS is the
timetable the school's software pushes back.
"""

from __future__ import annotations

from datetime import date, datetime

from services.common.demo.plan import Plan, Structure
from services.common.demo.timetable import Teaching
from services.common.formats import bee_eleves as bee
from services.common.formats import bee_structures as bs
from services.common.formats import edt_sts as edt
from services.common.formats import import_eleves as links
from services.common.formats import sts_edt as sts
from services.common.formats.bee_nomenclatures import BeeNomenclatures
from services.common.formats.common import Parametres
from services.common.formats.sts_services import Alternance, Enseignant, Service


def parametres(uai: str, year: int) -> Parametres:
    """The BEE header of an export made on 1 October of the school year."""
    return Parametres(
        uaj=uai, annee_scolaire=year, date_export=date(year, 10, 1), horodatage=datetime(year, 10, 1, 8, 30)
    )


def groups_of(plan: Plan) -> dict[str, list[Structure]]:
    """Each pupil's groups, by ``ELEVE_ID``."""
    result: dict[str, list[Structure]] = {}
    for group in plan.groups:
        for pupil in group.pupils:
            result.setdefault(pupil.eleve_id, []).append(group)
    return result


def bee_eleves(plan: Plan, uai: str, year: int) -> bee.BeeEleves:
    """``ElevesAvecAdresses.xml``: pupils, their options, divisions and groups, and addresses."""
    groups = groups_of(plan)
    structures, options = [], []
    for division in plan.divisions:
        for pupil in division.pupils:
            own = [bee.Structure(code_structure=division.code, type_structure="D")]
            own += [
                bee.Structure(code_structure=g.code, type_structure="G")
                for g in groups.get(pupil.eleve_id, [])
            ]
            structures.append(
                bee.StructuresEleve(eleve_id=pupil.eleve_id, elenoet=pupil.elenoet, structures=own)
            )
            options.append(_options(pupil, groups.get(pupil.eleve_id, [])))
    return bee.BeeEleves(
        version="2.1",
        parametres=parametres(uai, year),
        donnees=bee.DonneesEleves(
            eleves=[pupil for household in plan.families for pupil in household.children],
            options=[option for option in options if option.options_eleve],
            structures=structures,
            bourses=[
                bee.BourseEleve(eleve_id=p.eleve_id, elenoet=p.elenoet, code_bourse=c)
                for p, c in _grants(plan)
            ],
            adresses=[household.adresse for household in plan.families],
        ),
    )


def _grants(plan: Plan) -> list[tuple[bee.Eleve, str]]:
    """About one pupil in five holds a grant: the collèges' (8) below the lycée, national (1) above."""
    result = []
    for division in plan.divisions:
        for pupil in division.pupils:
            if int(pupil.eleve_id) % 5 == 0:
                result.append((pupil, "8" if (pupil.code_mef or "").startswith("1") else "1"))
    return result


def _options(pupil: bee.Eleve, groups: list[Structure]) -> bee.Option:
    chosen = [g.option_matiere for g in groups if g.option_matiere is not None]
    return bee.Option(
        eleve_id=pupil.eleve_id,
        elenoet=pupil.elenoet,
        options_eleve=[
            bee.OptionEleve(
                num_option=str(rank), code_modalite_elect="O" if rank == 1 else "F", code_matiere=m
            )
            for rank, m in enumerate(chosen, 1)
        ],
    )


def bee_structures(plan: Plan, uai: str, year: int) -> bs.BeeStructures:
    """``Structures.xml``: divisions and groups with their MEF, groups with their divisions."""
    return bs.BeeStructures(
        version="2.0",
        parametres=parametres(uai, year),
        donnees=bs.DonneesStructures(
            divisions=[
                bs.Division(
                    code_structure=d.code,
                    libelle_long=d.libelle,
                    code_rne=uai,
                    mefs_appartenance=[bs.MefAppartenance(code_mef=d.mef)],
                )
                for d in plan.divisions
            ],
            groupes=[
                bs.Groupe(
                    code_structure=g.code,
                    libelle_long=g.libelle,
                    code_rne=uai,
                    mefs_appartenance=[bs.MefAppartenance(code_mef=g.mef)],
                    divisions_appartenance=[
                        bs.DivisionAppartenance(code_structure=code) for code in g.divisions
                    ],
                )
                for g in plan.groups
            ],
        ),
    )


def sts_edt(
    plan: Plan,
    etablissement: sts.Uaj,
    year: int,
    nomenclature: BeeNomenclatures,
    individus: list[sts.Individu],
) -> sts.StsEdt:
    """The STS export of the school: profiled nomenclatures, teachers, structures and services."""
    by_structure = _by_structure(plan.teachings)
    return sts.StsEdt(
        uaj=etablissement,
        annee_scolaire=sts.AnneeScolaire(
            annee=year, date_debut=date(year, 9, 1), date_fin=date(year + 1, 8, 31)
        ),
        nomenclatures=_profiled(plan, nomenclature),
        individus=individus,
        divisions=[_sts_division(d, _untimed(by_structure.get(d.code, []))) for d in plan.divisions],
        groupes=[_sts_groupe(g, _untimed(by_structure.get(g.code, []))) for g in plan.groups],
    )


def _profiled(plan: Plan, nomenclature: BeeNomenclatures) -> sts.Nomenclatures:
    """Only the subjects and MEFs the school uses, as STS profiles them."""
    used_matieres = {t.matiere for t in plan.teachings}
    used_mefs = {d.mef for d in plan.divisions}
    matieres = [m for m in nomenclature.donnees.matieres or [] if m.code_matiere in used_matieres]
    mefs = [m for m in nomenclature.donnees.mefs or [] if m.code_mef in used_mefs]
    return sts.Nomenclatures(
        matieres=[
            sts.Matiere(
                code=m.code_matiere,
                code_gestion=m.code_gestion,
                libelle_court=m.libelle_court,
                libelle_long=m.libelle_long,
                libelle_edition=m.libelle_edition,
            )
            for m in matieres
        ],
        mefs=[
            sts.Mef(
                code=m.code_mef,
                formation=m.formation,
                libelle_long=m.libelle_long,
                libelle_edition=m.libelle_edition,
            )
            for m in mefs
        ],
        civilites=[sts.Civilite(code="1", libelle_court="M."), sts.Civilite(code="2", libelle_court="MME")],
    )


def _sts_division(division: Structure, teaching: list[Service]) -> sts.Division:
    size = len(division.pupils)
    return sts.Division(
        code=division.code,
        libelle_long=division.libelle,
        effectif_prevu=size,
        effectif_calcule=size,
        mefs=[sts.MefAppartenance(code=division.mef, effectif_calcule=size)],
        services=teaching,
    )


def _sts_groupe(group: Structure, teaching: list[Service]) -> sts.Groupe:
    return sts.Groupe(
        code=group.code,
        libelle_long=group.libelle,
        effectif_prevu=len(group.pupils),
        divisions=[sts.DivisionAppartenance(code=code) for code in group.divisions],
        mefs=[sts.MefAppartenance(code=group.mef)],
        services=teaching,
    )


def edt_sts(plan: Plan, uai: str, year: int, alternances: list[Alternance]) -> edt.EdtSts:
    """The timetable the school's software pushes: every course, the weeks and the rooms used."""
    by_structure = _by_structure(plan.teachings)
    rooms = sorted({c.code_salle for t in plan.teachings for c in t.cours if c.code_salle})
    return edt.EdtSts(
        uaj=uai,
        annee_scolaire=year,
        alternances=alternances,
        salles=rooms,
        divisions=[
            edt.Division(code=d.code, services=_timed(by_structure.get(d.code, []))) for d in plan.divisions
        ],
        groupes=[
            edt.Groupe(
                code=g.code, divisions=list(g.divisions), services=_timed(by_structure.get(g.code, []))
            )
            for g in plan.groups
        ],
    )


def import_eleves(plan: Plan, uai: str, year: int) -> links.ImportEleves:
    """The pupil ↔ group links the timetable software pushes to SIECLE, for the whole year."""
    groups = groups_of(plan)
    start, end = date(year, 9, 1), date(year + 1, 7, 4)
    return links.ImportEleves(
        uaj=uai,
        annee_scolaire=year,
        date_import=date(year, 9, 20),
        num_envoi=1,
        logiciel="EDT",
        eleves=[
            links.Eleve(
                eleve_id=pupil.eleve_id,
                nom_de_famille=pupil.nom_de_famille,
                prenom=pupil.prenom or "",
                prenom2=pupil.prenom2,
                prenom3=pupil.prenom3,
                date_naiss=pupil.date_naiss,
                groupes=[
                    links.GroupeEleve(code_groupe=g.code, date_debut_groupe=start, date_fin_groupe=end)
                    for g in groups.get(pupil.eleve_id, [])
                ],
            )
            for division in plan.divisions
            for pupil in division.pupils
        ],
    )


def _by_structure(teachings: list[Teaching]) -> dict[str, list[Teaching]]:
    result: dict[str, list[Teaching]] = {}
    for teaching in teachings:
        result.setdefault(teaching.structure, []).append(teaching)
    return result


def _untimed(teachings: list[Teaching]) -> list[Service]:
    return [
        Service(
            code_matiere=t.matiere,
            code_mod_cours=t.mode,
            enseignants=[Enseignant(individu_id=t.teacher, individu_type="epp")],
        )
        for t in teachings
    ]


def _timed(teachings: list[Teaching]) -> list[Service]:
    return [
        Service(
            code_matiere=t.matiere,
            code_mod_cours=t.mode,
            enseignants=[Enseignant(individu_id=t.teacher, individu_type="epp", cours=list(t.cours))],
        )
        for t in teachings
    ]
