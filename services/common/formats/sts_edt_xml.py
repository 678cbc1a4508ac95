"""The STS_EDT tree ↔ :class:`~.sts_edt_models.StsEdt` (public API and rules in :mod:`.sts_edt`).

Empty lists are written as absent containers, so a file read then written keeps its meaning, not
necessarily its empty ``<GROUPES/>``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from lxml import etree

from services.common.formats import identifiers as ids
from services.common.formats.checking import parse_at, parse_int, parse_year, parsed_optional, read_each
from services.common.formats.errors import ErrorCollector
from services.common.formats.reading import read_record
from services.common.formats.sts_edt_models import (
    AnneeScolaire,
    Civilite,
    Discipline,
    Division,
    DivisionAppartenance,
    Groupe,
    Individu,
    Matiere,
    Mef,
    MefAppartenance,
    Nomenclatures,
    ProfPrinc,
    Programme,
    StsEdt,
    Uaj,
)
from services.common.formats.sts_services import (
    References,
    read_alternances,
    read_services,
    write_alternances,
    write_services,
)
from services.common.formats.writing import write_record
from services.common.formats.xmlsafe import children, required_attribute, required_child, text
from services.common.formats.xmlwrite import element, node, sub, sub_date

T = TypeVar("T")
Reader = Callable[[etree._Element], T]

ROOT = "STS_EDT"


def read_tree(root: etree._Element, collector: ErrorCollector) -> StsEdt:
    """The model of a parsed ``STS_EDT``; bad records go to ``collector`` and are left out."""
    parametres = required_child(root, "PARAMETRES")
    uaj_elem = required_child(parametres, "UAJ")
    uaj = read_record(Uaj, uaj_elem, collector)
    parse_at(uaj_elem, uaj.code, ids.check_uai)  # a file about no valid school is refused whole
    donnees = required_child(root, "DONNEES")
    alternances = read_alternances(donnees.find("ALTERNANCES"), collector)
    refs = References(alternances=frozenset(a.code for a in alternances))
    structure = donnees.find("STRUCTURE")

    def individu(elem: etree._Element) -> Individu:
        return _read_individu(elem, collector)

    def division(elem: etree._Element) -> Division:
        return _read_division(elem, refs, collector)

    def groupe(elem: etree._Element) -> Groupe:
        return _read_groupe(elem, refs, collector)

    return StsEdt(
        uaj=uaj,
        annee_scolaire=_read_annee(required_child(parametres, "ANNEE_SCOLAIRE")),
        nomenclatures=_read_nomenclatures(root.find("NOMENCLATURES"), collector),
        individus=_read_list(donnees, "INDIVIDUS", "INDIVIDU", individu, collector),
        suppleants=_read_list(donnees, "SUPPLEANTS", "SUPPLEANT", individu, collector),
        alternances=alternances,
        divisions=_read_list(structure, "DIVISIONS", "DIVISION", division, collector),
        groupes=_read_list(structure, "GROUPES", "GROUPE", groupe, collector),
    )


def _read_list(
    parent: etree._Element | None, container: str, tag: str, read: Reader[T], collector: ErrorCollector
) -> list[T]:
    box = None if parent is None else parent.find(container)
    return read_each(children(box, tag), read, collector)


def _bound(cls: type[T], collector: ErrorCollector) -> Reader[T]:
    return lambda elem: read_record(cls, elem, collector)


def _read_annee(elem: etree._Element) -> AnneeScolaire:
    return AnneeScolaire(
        annee=parse_at(elem, required_attribute(elem, "ANNEE"), parse_year),
        date_debut=parsed_optional(elem, "DATE_DEBUT", ids.parse_date_iso),
        date_fin=parsed_optional(elem, "DATE_FIN", ids.parse_date_iso),
    )


def _read_nomenclatures(elem: etree._Element | None, collector: ErrorCollector) -> Nomenclatures:
    return Nomenclatures(
        matieres=_read_list(elem, "MATIERES", "MATIERE", _bound(Matiere, collector), collector),
        mefs=_read_list(elem, "MEFS", "MEF", _bound(Mef, collector), collector),
        civilites=_read_list(elem, "CIVILITES", "CIVILITE", _bound(Civilite, collector), collector),
        programmes=_read_list(elem, "PROGRAMMES", "PROGRAMME", _bound(Programme, collector), collector),
    )


def _read_individu(elem: etree._Element, collector: ErrorCollector) -> Individu:
    return Individu(
        individu_id=required_attribute(elem, "ID"),
        individu_type=elem.get("TYPE"),
        sexe=text(elem, "SEXE"),
        civilite=text(elem, "CIVILITE"),
        nom_usage=text(elem, "NOM_USAGE"),
        nom_patronymique=text(elem, "NOM_PATRONYMIQUE"),
        prenom=text(elem, "PRENOM"),
        date_naissance=parsed_optional(elem, "DATE_NAISSANCE", ids.parse_date_iso),
        grade=text(elem, "GRADE"),
        fonction=text(elem, "FONCTION"),
        profs_princ=_read_list(elem, "PROFS_PRINC", "PROF_PRINC", _read_prof_princ, collector),
        disciplines=_read_list(elem, "DISCIPLINES", "DISCIPLINE", _bound(Discipline, collector), collector),
    )


def _read_prof_princ(elem: etree._Element) -> ProfPrinc:
    code = parse_at(elem, text(elem, "CODE_STRUCTURE") or "", ids.read_code_structure)
    return ProfPrinc(
        code_structure=code,
        date_debut=parsed_optional(elem, "DATE_DEBUT", ids.parse_date_iso),
        date_fin=parsed_optional(elem, "DATE_FIN", ids.parse_date_iso),
    )


def _read_division(elem: etree._Element, refs: References, collector: ErrorCollector) -> Division:
    return Division(
        code=_structure_code(elem),
        libelle_long=text(elem, "LIBELLE_LONG"),
        effectif_prevu=parsed_optional(elem, "EFFECTIF_PREVU", parse_int),
        effectif_calcule=parsed_optional(elem, "EFFECTIF_CALCULE", parse_int),
        mefs=_read_list(elem, "MEFS_APPARTENANCE", "MEF_APPARTENANCE", _read_mef_appartenance, collector),
        services=read_services(elem, refs, collector),
    )


def _read_groupe(elem: etree._Element, refs: References, collector: ErrorCollector) -> Groupe:
    return Groupe(
        code=_structure_code(elem),
        libelle_long=text(elem, "LIBELLE_LONG"),
        effectif_prevu=parsed_optional(elem, "EFFECTIF_PREVU", parse_int),
        divisions=_read_list(
            elem, "DIVISIONS_APPARTENANCE", "DIVISION_APPARTENANCE", _read_division_appartenance, collector
        ),
        mefs=_read_list(elem, "MEFS_APPARTENANCE", "MEF_APPARTENANCE", _read_mef_appartenance, collector),
        services=read_services(elem, refs, collector),
    )


def _structure_code(elem: etree._Element) -> str:
    return parse_at(elem, required_attribute(elem, "CODE"), ids.read_code_structure)


def _read_mef_appartenance(elem: etree._Element) -> MefAppartenance:
    return MefAppartenance(
        code=required_attribute(elem, "CODE"),
        effectif_prevu=parsed_optional(elem, "EFFECTIF_PREVU", parse_int),
        effectif_calcule=parsed_optional(elem, "EFFECTIF_CALCULE", parse_int),
    )


def _read_division_appartenance(elem: etree._Element) -> DivisionAppartenance:
    return DivisionAppartenance(
        code=_structure_code(elem), effectif_prevu=parsed_optional(elem, "EFFECTIF_PREVU", parse_int)
    )


def build_tree(model: StsEdt) -> etree._Element:
    """The ``STS_EDT`` element of ``model``, children in the order of the format."""
    root = element(ROOT)
    parametres = node(root, "PARAMETRES")
    write_record(parametres, "UAJ", model.uaj, True)
    annee = node(parametres, "ANNEE_SCOLAIRE", {"ANNEE": f"{model.annee_scolaire.annee:04d}"})
    sub_date(annee, "DATE_DEBUT", model.annee_scolaire.date_debut, iso=True)
    sub_date(annee, "DATE_FIN", model.annee_scolaire.date_fin, iso=True)
    _write_nomenclatures(node(root, "NOMENCLATURES"), model.nomenclatures)
    donnees = node(root, "DONNEES")
    _write_list(donnees, "INDIVIDUS", model.individus, lambda box, i: _write_individu(box, "INDIVIDU", i))
    _write_list(donnees, "SUPPLEANTS", model.suppleants, lambda box, i: _write_individu(box, "SUPPLEANT", i))
    write_alternances(donnees, model.alternances)
    structure = node(donnees, "STRUCTURE")
    _write_list(structure, "DIVISIONS", model.divisions, _write_division)
    _write_list(structure, "GROUPES", model.groupes, _write_groupe)
    return root


def _write_list(
    parent: etree._Element, container: str, items: list[T], write: Callable[[etree._Element, T], None]
) -> None:
    if items:
        box = node(parent, container)
        for item in items:
            write(box, item)


def _write_bound(parent: etree._Element, container: str, tag: str, items: Sequence[object]) -> None:
    if items:
        box = node(parent, container)
        for item in items:
            write_record(box, tag, item, True)


def _write_nomenclatures(elem: etree._Element, nomenclatures: Nomenclatures) -> None:
    _write_bound(elem, "MATIERES", "MATIERE", nomenclatures.matieres)
    _write_bound(elem, "MEFS", "MEF", nomenclatures.mefs)
    _write_bound(elem, "CIVILITES", "CIVILITE", nomenclatures.civilites)
    _write_bound(elem, "PROGRAMMES", "PROGRAMME", nomenclatures.programmes)


def _write_individu(parent: etree._Element, tag: str, individu: Individu) -> None:
    elem = node(parent, tag, {"ID": individu.individu_id, "TYPE": individu.individu_type})
    sub(elem, "SEXE", individu.sexe)
    sub(elem, "CIVILITE", individu.civilite)
    sub(elem, "NOM_USAGE", individu.nom_usage)
    sub(elem, "NOM_PATRONYMIQUE", individu.nom_patronymique)
    sub(elem, "PRENOM", individu.prenom)
    sub_date(elem, "DATE_NAISSANCE", individu.date_naissance, iso=True)
    sub(elem, "GRADE", individu.grade)
    sub(elem, "FONCTION", individu.fonction)
    _write_list(elem, "PROFS_PRINC", individu.profs_princ, _write_prof_princ)
    _write_bound(elem, "DISCIPLINES", "DISCIPLINE", individu.disciplines)


def _write_prof_princ(parent: etree._Element, prof_princ: ProfPrinc) -> None:
    elem = node(parent, "PROF_PRINC")
    sub(elem, "CODE_STRUCTURE", prof_princ.code_structure)
    sub_date(elem, "DATE_DEBUT", prof_princ.date_debut, iso=True)
    sub_date(elem, "DATE_FIN", prof_princ.date_fin, iso=True)


def _write_division(parent: etree._Element, division: Division) -> None:
    elem = node(parent, "DIVISION", {"CODE": division.code})
    sub(elem, "LIBELLE_LONG", division.libelle_long)
    _sub_int(elem, "EFFECTIF_PREVU", division.effectif_prevu)
    _sub_int(elem, "EFFECTIF_CALCULE", division.effectif_calcule)
    _write_list(elem, "MEFS_APPARTENANCE", division.mefs, _write_mef_appartenance)
    write_services(elem, division.services)


def _write_groupe(parent: etree._Element, groupe: Groupe) -> None:
    elem = node(parent, "GROUPE", {"CODE": groupe.code})
    sub(elem, "LIBELLE_LONG", groupe.libelle_long)
    _sub_int(elem, "EFFECTIF_PREVU", groupe.effectif_prevu)
    _write_list(elem, "DIVISIONS_APPARTENANCE", groupe.divisions, _write_division_appartenance)
    _write_list(elem, "MEFS_APPARTENANCE", groupe.mefs, _write_mef_appartenance)
    write_services(elem, groupe.services)


def _write_mef_appartenance(parent: etree._Element, mef: MefAppartenance) -> None:
    elem = node(parent, "MEF_APPARTENANCE", {"CODE": mef.code})
    _sub_int(elem, "EFFECTIF_PREVU", mef.effectif_prevu)
    _sub_int(elem, "EFFECTIF_CALCULE", mef.effectif_calcule)


def _write_division_appartenance(parent: etree._Element, appartenance: DivisionAppartenance) -> None:
    elem = node(parent, "DIVISION_APPARTENANCE", {"CODE": appartenance.code})
    _sub_int(elem, "EFFECTIF_PREVU", appartenance.effectif_prevu)


def _sub_int(parent: etree._Element, tag: str, value: int | None) -> None:
    sub(parent, tag, None if value is None else str(value))
