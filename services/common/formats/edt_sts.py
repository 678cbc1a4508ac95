"""EDT_STS, the timetable a school's software pushes to STS-WEB, "annule et remplace" (FORMATS.md §1.2).

The file replaces the school's services and courses as a whole. It is matched to STS by codes only:
division and group ``@CODE``, ``@CODE_MATIERE``, and ``ENSEIGNANT/@ID`` = STS ``INDIVIDU/@ID``.

The tree follows crlr where sources disagree: ``ALTERNANCES`` sits under ``DONNEES``, ``UAJ`` and
``ANNEE_SCOLAIRE`` are text (``UAJ @CODE`` and ``ANNEE_SCOLAIRE @ANNEE``, the STS_EDT forms, are read
too). Decisions of ours:

* [INFER] rooms are declared as ``DONNEES/SALLES/SALLE_COURS @CODE`` (gepi reads ``//SALLE_COURS/@CODE``;
  the parent's name is not public), between ``ALTERNANCES`` and ``STRUCTURE``. When a file declares
  rooms, every ``CODE_SALLE`` must be one of them; when it declares none, ``CODE_SALLE`` is free text.
* [INFER] a course without ``CODE_ALTERNANCE`` runs every week; a weekly alternation is given by the
  Monday of each of its weeks.
* [INFER] the file name is ``emp_sts_<UAI>_<year>.xml``, mirroring STS's ``sts_emp_<UAI>_<year>.xml``
  (gepi calls EDT's export ``emp_sts.xml``).

:func:`check_edt_sts` reads the file record by record (see :mod:`.checking`) so that a push can block on
any problem or skip the bad records; :func:`read_edt_sts` is its all-or-nothing form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from services.common.formats import identifiers as ids
from services.common.formats.checking import (
    Checked,
    check_document,
    errors_of,
    first_of,
    located_at,
    parse_at,
    parse_year,
    raise_all,
    raise_if_any,
    read_each,
)
from services.common.formats.errors import ErrorCollector, FormatError
from services.common.formats.sts_services import (
    Alternance,
    References,
    Service,
    read_alternances,
    read_services,
    validate_alternances,
    validate_services,
    write_alternances,
    write_services,
)
from services.common.formats.xmlsafe import children, required_attribute, required_child
from services.common.formats.xmlwrite import element, node, serialize, sub

ROOT = "EDT_STS"
_STRUCTURE = f"/{ROOT}/DONNEES/STRUCTURE"


@dataclass(slots=True, kw_only=True)
class Division:
    code: str
    services: list[Service] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Groupe:
    """A group; ``divisions`` are the codes of its ``DIVISION_APPARTENANCE``."""

    code: str
    divisions: list[str] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class EdtSts:
    """A whole EDT_STS file; ``salles`` are the declared room codes (may be empty)."""

    uaj: str
    annee_scolaire: int
    alternances: list[Alternance] = field(default_factory=list)
    salles: list[str] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    groupes: list[Groupe] = field(default_factory=list)

    def references(self) -> References:
        """The codes its courses may point to."""
        return References(
            alternances=frozenset(a.code for a in self.alternances),
            salles=frozenset(self.salles) if self.salles else None,
        )


def edt_sts_filename(uai: str, year: int) -> str:
    """[INFER] ``emp_sts_<UAI>_<year>.xml`` (``year``: starting year of the school year)."""
    return f"emp_sts_{ids.check_uai(uai)}_{year:04d}.xml"


def check_edt_sts(data: bytes, *, filename: str) -> Checked[EdtSts]:
    """Read an EDT_STS record by record: raises only for file-level problems (not XML, wrong root, bad
    UAI or year); each bad alternation, room, division, group, service, teacher or course is left out
    of :attr:`~.checking.Checked.model` and reported, located, in :attr:`~.checking.Checked.problems`."""
    return check_document(data, filename=filename, root=ROOT, read=_read)


def read_edt_sts(data: bytes, *, filename: str) -> EdtSts:
    """Like :func:`check_edt_sts`, but any bad record refuses the file (all reported together)."""
    return check_edt_sts(data, filename=filename).strict()


def validate_edt_sts(model: EdtSts) -> list[FormatError]:
    """The problems of a model built in code, each with its element path (what the reader would refuse)."""
    errors = errors_of(ids.check_uai, model.uaj, f"/{ROOT}/PARAMETRES/UAJ")
    errors += validate_alternances(model.alternances, f"/{ROOT}/DONNEES/ALTERNANCES")
    refs, seen = model.references(), set[str]()
    for index, division in enumerate(model.divisions, 1):
        path = f"{_STRUCTURE}/DIVISIONS/DIVISION[{index}]"
        errors += located_at(_code_errors("DIVISION", division.code, seen), f"{path}/@CODE")
        errors += validate_services(division.services, f"{path}/SERVICES", refs)
    seen = set()
    for index, groupe in enumerate(model.groupes, 1):
        path = f"{_STRUCTURE}/GROUPES/GROUPE[{index}]"
        errors += located_at(_code_errors("GROUPE", groupe.code, seen), f"{path}/@CODE")
        for d_index, code in enumerate(groupe.divisions, 1):
            d_path = f"{path}/DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE[{d_index}]/@CODE"
            errors += errors_of(ids.check_code_structure, code, d_path)
        errors += validate_services(groupe.services, f"{path}/SERVICES", refs)
    return errors


def write_edt_sts(model: EdtSts) -> bytes:
    """The file's bytes (ISO-8859-15, ``UAJ`` as text); raises the problems of :func:`validate_edt_sts`."""
    raise_if_any(validate_edt_sts(model))
    return serialize(build_edt_sts(model))


def build_edt_sts(model: EdtSts) -> etree._Element:
    """The unchecked ``EDT_STS`` tree of ``model`` (see :func:`write_edt_sts`)."""
    root = element(ROOT)
    parametres = node(root, "PARAMETRES")
    sub(parametres, "UAJ", model.uaj)
    sub(parametres, "ANNEE_SCOLAIRE", f"{model.annee_scolaire:04d}")
    donnees = node(root, "DONNEES")
    write_alternances(donnees, model.alternances)
    if model.salles:
        salles = node(donnees, "SALLES")
        for code in model.salles:
            node(salles, "SALLE_COURS", {"CODE": code})
    structure = node(donnees, "STRUCTURE")
    if model.divisions:
        divisions = node(structure, "DIVISIONS")
        for division in model.divisions:
            write_services(node(divisions, "DIVISION", {"CODE": division.code}), division.services)
    if model.groupes:
        groupes = node(structure, "GROUPES")
        for groupe in model.groupes:
            _write_groupe(groupes, groupe)
    return root


def _write_groupe(parent: etree._Element, groupe: Groupe) -> None:
    elem = node(parent, "GROUPE", {"CODE": groupe.code})
    if groupe.divisions:
        appartenances = node(elem, "DIVISIONS_APPARTENANCE")
        for code in groupe.divisions:
            node(appartenances, "DIVISION_APPARTENANCE", {"CODE": code})
    write_services(elem, groupe.services)


def _read(root: etree._Element, collector: ErrorCollector) -> EdtSts:
    parametres = required_child(root, "PARAMETRES")
    donnees = required_child(root, "DONNEES")
    model = EdtSts(
        uaj=_header_value(required_child(parametres, "UAJ"), "CODE", ids.check_uai),
        annee_scolaire=int(_header_value(required_child(parametres, "ANNEE_SCOLAIRE"), "ANNEE", _year)),
        alternances=read_alternances(donnees.find("ALTERNANCES"), collector),
        salles=read_each(children(donnees.find("SALLES"), "SALLE_COURS"), _read_salle, collector),
    )
    refs = model.references()
    structure = donnees.find("STRUCTURE")
    seen_divisions: set[str] = set()
    seen_groupes: set[str] = set()
    model.divisions = read_each(
        _items(structure, "DIVISIONS", "DIVISION"),
        lambda elem: Division(
            code=_code(elem, "DIVISION", seen_divisions), services=read_services(elem, refs, collector)
        ),
        collector,
    )
    model.groupes = read_each(
        _items(structure, "GROUPES", "GROUPE"),
        lambda elem: _read_groupe(elem, seen_groupes, refs, collector),
        collector,
    )
    return model


def _header_value(elem: etree._Element, attribute: str, check: Callable[[str], str]) -> str:
    # Text is the EDT_STS form; the attribute is how STS_EDT writes the same header.
    value = (elem.text or "").strip() or (elem.get(attribute) or "").strip()
    return parse_at(elem, value, check)


def _year(value: str) -> str:
    parse_year(value)
    return value


def _items(parent: etree._Element | None, container: str, tag: str) -> list[etree._Element]:
    return children(None if parent is None else parent.find(container), tag)


def _read_salle(elem: etree._Element) -> str:
    return required_attribute(elem, "CODE")


def _read_groupe(elem: etree._Element, seen: set[str], refs: References, collector: ErrorCollector) -> Groupe:
    code = _code(elem, "GROUPE", seen)
    divisions = [
        parse_at(item, required_attribute(item, "CODE"), ids.check_code_structure)
        for item in _items(elem, "DIVISIONS_APPARTENANCE", "DIVISION_APPARTENANCE")
    ]
    return Groupe(code=code, divisions=divisions, services=read_services(elem, refs, collector))


def _code(elem: etree._Element, what: str, seen: set[str]) -> str:
    code = required_attribute(elem, "CODE")
    raise_all(_code_errors(what, code, seen), elem)
    return code


def _code_errors(what: str, code: str, seen: set[str]) -> list[FormatError]:
    # Pushed codes must match STS's own, which are always writable: hence the strict check here.
    return errors_of(ids.check_code_structure, code) or first_of(what, code, seen)
