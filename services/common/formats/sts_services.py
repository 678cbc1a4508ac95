"""The teaching block shared by STS_EDT and EDT_STS: SERVICES → ENSEIGNANTS → COURS, and ALTERNANCES.

A service is one subject (``@CODE_MATIERE``) taught in one mode (``@CODE_MOD_COURS``: CG, TD, TP...) to
a division or a group; each of its teachers (``ENSEIGNANT/@ID``, the STS ``INDIVIDU/@ID``) carries the
weekly slots (``COURS``) they teach. A course may run only on the weeks of an alternation
(``CODE_ALTERNANCE`` → ``ALTERNANCE/@CODE``, e.g. week A / week B) and in a room (``CODE_SALLE``).

Reading goes record by record through an :class:`~.errors.ErrorCollector`: a bad course is reported with
its path and line and left out, its service is kept. The record checks (``*_errors``) are shared with the
model validators, so what a reader refuses is exactly what a writer refuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats import identifiers as ids
from services.common.formats.checking import (
    child_texts,
    first_of,
    located_at,
    parse_at,
    parse_int,
    parsed_from,
    raise_all,
    read_each,
)
from services.common.formats.errors import ErrorCollector, FormatError
from services.common.formats.xmlsafe import children, required_attribute, text
from services.common.formats.xmlwrite import node, sub

MONDAY, SUNDAY = 1, 7  # JOUR numbering: crlr maps 1 to Monday [INFER]
_END_OF_DAY = timedelta(hours=24)


@dataclass(slots=True, kw_only=True)
class Cours:
    """One weekly slot: ``jour`` 1 (Monday) to 7, start time, duration, optional alternation and room."""

    code_alternance: str | None = None
    jour: int
    heure_debut: time
    duree: timedelta
    code_salle: str | None = None


@dataclass(slots=True, kw_only=True)
class Enseignant:
    """A teacher of a service: ``individu_id`` is STS ``INDIVIDU/@ID``, ``individu_type`` its ``@TYPE``."""

    individu_id: str
    individu_type: str | None = None
    cours: list[Cours] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Service:
    """A subject taught in one mode to a division or group, by one or more teachers (co-teaching)."""

    code_matiere: str
    code_mod_cours: str
    enseignants: list[Enseignant] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Alternance:
    """A named set of teaching weeks (``semaines``: the Monday of each week), e.g. week A."""

    code: str
    libelle_court: str | None = None
    libelle_long: str | None = None
    semaines: list[date] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class References:
    """The codes a course may point to; ``salles`` is None when the file declares no rooms."""

    alternances: frozenset[str] = frozenset()
    salles: frozenset[str] | None = None


def alternance_errors(alternance: Alternance) -> list[FormatError]:
    """What is wrong with one alternation: an empty code, or a week not given by its Monday."""
    errors = []
    if not alternance.code.strip():
        errors.append(_invalid("ALTERNANCE sans code."))
    errors += [
        _invalid(f"la semaine du {ids.format_date_iso(week)} ne commence pas un lundi.", codes.DATE_INVALIDE)
        for week in alternance.semaines
        if week.isoweekday() != MONDAY
    ]
    return errors


def service_errors(service: Service) -> list[FormatError]:
    """What is wrong with a service's own attributes (its teachers and courses are checked apart)."""
    errors = []
    if not ids.is_valid_code_matiere(service.code_matiere):
        detail = f"« {service.code_matiere} » n'est pas un code matière valide."
        errors.append(FormatError(code=codes.CODE_MATIERE_INVALIDE, detail=detail))
    if not service.code_mod_cours.strip():
        errors.append(_invalid("CODE_MOD_COURS vide."))
    return errors


def enseignant_errors(enseignant: Enseignant) -> list[FormatError]:
    """STS individual ids are numeric; anything else cannot match an ``INDIVIDU/@ID``."""
    if enseignant.individu_id.isdigit():
        return []
    return [_invalid(f"ENSEIGNANT/@ID « {enseignant.individu_id} » n'est pas un identifiant STS.")]


def cours_errors(cours: Cours, refs: References) -> list[FormatError]:
    """What is wrong with one course: day, duration, and the alternation and room it points to."""
    errors = []
    if not MONDAY <= cours.jour <= SUNDAY:
        errors.append(_invalid(f"JOUR « {cours.jour} » hors de 1 (lundi) à 7 (dimanche)."))
    start = timedelta(hours=cours.heure_debut.hour, minutes=cours.heure_debut.minute)
    if cours.duree <= timedelta(0) or start + cours.duree > _END_OF_DAY:
        minutes = int(cours.duree.total_seconds() // 60)
        errors.append(_invalid(f"DUREE de {minutes} minutes impossible à partir de HEURE_DEBUT."))
    if cours.code_alternance is not None and cours.code_alternance not in refs.alternances:
        errors.append(_invalid(f"CODE_ALTERNANCE « {cours.code_alternance} » n'est pas déclaré."))
    if refs.salles is not None and cours.code_salle is not None and cours.code_salle not in refs.salles:
        errors.append(_invalid(f"CODE_SALLE « {cours.code_salle} » n'est pas déclaré."))
    return errors


def validate_services(services: Iterable[Service], path: str, refs: References) -> list[FormatError]:
    """Every record error below a ``SERVICES`` container at ``path``, each located by its path."""
    errors: list[FormatError] = []
    for s_index, service in enumerate(services, 1):
        s_path = f"{path}/SERVICE[{s_index}]"
        errors += located_at(service_errors(service), s_path)
        for e_index, enseignant in enumerate(service.enseignants, 1):
            e_path = f"{s_path}/ENSEIGNANTS/ENSEIGNANT[{e_index}]"
            errors += located_at(enseignant_errors(enseignant), e_path)
            for c_index, cours in enumerate(enseignant.cours, 1):
                errors += located_at(cours_errors(cours, refs), f"{e_path}/COURS_RATTACHES/COURS[{c_index}]")
    return errors


def validate_alternances(alternances: Iterable[Alternance], path: str) -> list[FormatError]:
    """Every problem of the alternations under the ``ALTERNANCES`` container at ``path``."""
    errors: list[FormatError] = []
    seen: set[str] = set()
    for index, alternance in enumerate(alternances, 1):
        problems = alternance_errors(alternance) + first_of("ALTERNANCE", alternance.code, seen)
        errors += located_at(problems, f"{path}/ALTERNANCE[{index}]")
    return errors


def read_alternances(container: etree._Element | None, collector: ErrorCollector) -> list[Alternance]:
    """``ALTERNANCES/ALTERNANCE`` items; a bad or repeated one is collected and left out."""
    seen: set[str] = set()
    return read_each(children(container, "ALTERNANCE"), lambda elem: _read_alternance(elem, seen), collector)


def read_services(parent: etree._Element, refs: References, collector: ErrorCollector) -> list[Service]:
    """``SERVICES/SERVICE`` under ``parent``; bad services, teachers or courses are collected and left out."""
    return read_each(
        children(parent.find("SERVICES"), "SERVICE"),
        lambda elem: _read_service(elem, refs, collector),
        collector,
    )


def _read_alternance(elem: etree._Element, seen: set[str]) -> Alternance:
    weeks = [
        parse_at(week, (week.text or "").strip(), ids.parse_date_iso)
        for week in children(elem.find("SEMAINES"), "DATE_DEBUT_SEMAINE")
    ]
    alternance = Alternance(
        code=required_attribute(elem, "CODE"),
        libelle_court=text(elem, "LIBELLE_COURT"),
        libelle_long=text(elem, "LIBELLE_LONG"),
        semaines=weeks,
    )
    raise_all(alternance_errors(alternance) + first_of("ALTERNANCE", alternance.code, seen), elem)
    return alternance


def _read_service(elem: etree._Element, refs: References, collector: ErrorCollector) -> Service:
    service = Service(
        code_matiere=required_attribute(elem, "CODE_MATIERE"),
        code_mod_cours=required_attribute(elem, "CODE_MOD_COURS"),
    )
    raise_all(service_errors(service), elem)
    for teacher in children(elem.find("ENSEIGNANTS"), "ENSEIGNANT"):
        # A teacher that cannot be read takes its service with it, as a teacher STS does not know does:
        # kept without that teacher, the service would replace the school's with one nobody teaches.
        raise_all(enseignant_errors(Enseignant(individu_id=required_attribute(teacher, "ID"))), teacher)
    service.enseignants = read_each(
        children(elem.find("ENSEIGNANTS"), "ENSEIGNANT"),
        lambda teacher: _read_enseignant(teacher, refs, collector),
        collector,
    )
    return service


def _read_enseignant(elem: etree._Element, refs: References, collector: ErrorCollector) -> Enseignant:
    enseignant = Enseignant(individu_id=required_attribute(elem, "ID"), individu_type=elem.get("TYPE"))
    raise_all(enseignant_errors(enseignant), elem)
    enseignant.cours = read_each(
        children(elem.find("COURS_RATTACHES"), "COURS"), lambda c: _read_cours(c, refs), collector
    )
    return enseignant


def _read_cours(elem: etree._Element, refs: References) -> Cours:
    # Courses are most of an EDT_STS: their children are read in one pass.
    texts = child_texts(elem)
    cours = Cours(
        code_alternance=texts.get("CODE_ALTERNANCE") or None,
        jour=parsed_from(texts, elem, "JOUR", parse_int),
        heure_debut=parsed_from(texts, elem, "HEURE_DEBUT", ids.parse_hhmm),
        duree=parsed_from(texts, elem, "DUREE", ids.parse_hhmm_duration),
        code_salle=texts.get("CODE_SALLE") or None,
    )
    raise_all(cours_errors(cours, refs), elem)
    return cours


def write_alternances(parent: etree._Element, alternances: list[Alternance]) -> None:
    """Append ``ALTERNANCES`` (nothing when there are none)."""
    if not alternances:
        return
    container = node(parent, "ALTERNANCES")
    for alternance in alternances:
        elem = node(container, "ALTERNANCE", {"CODE": alternance.code})
        sub(elem, "LIBELLE_COURT", alternance.libelle_court)
        sub(elem, "LIBELLE_LONG", alternance.libelle_long)
        weeks = node(elem, "SEMAINES")
        for week in alternance.semaines:
            sub(weeks, "DATE_DEBUT_SEMAINE", ids.format_date_iso(week))


def write_services(parent: etree._Element, services: list[Service]) -> None:
    """Append ``SERVICES`` (nothing when there are none), in the element order of the formats."""
    if not services:
        return
    container = node(parent, "SERVICES")
    for service in services:
        attrib = {"CODE_MATIERE": service.code_matiere, "CODE_MOD_COURS": service.code_mod_cours}
        elem = node(container, "SERVICE", attrib)
        teachers = node(elem, "ENSEIGNANTS")
        for enseignant in service.enseignants:
            _write_enseignant(teachers, enseignant)


def _write_enseignant(parent: etree._Element, enseignant: Enseignant) -> None:
    attrib = {"ID": enseignant.individu_id, "TYPE": enseignant.individu_type}
    elem = node(parent, "ENSEIGNANT", attrib)
    if not enseignant.cours:
        return
    rattaches = node(elem, "COURS_RATTACHES")
    for cours in enseignant.cours:
        item = node(rattaches, "COURS")
        sub(item, "CODE_ALTERNANCE", cours.code_alternance)
        sub(item, "JOUR", str(cours.jour))
        sub(item, "HEURE_DEBUT", ids.format_hhmm(cours.heure_debut))
        sub(item, "DUREE", ids.format_hhmm_duration(cours.duree))
        sub(item, "CODE_SALLE", cours.code_salle)


def _invalid(detail: str, code: str = codes.VALEUR_INVALIDE) -> FormatError:
    return FormatError(code=code, detail=detail)
