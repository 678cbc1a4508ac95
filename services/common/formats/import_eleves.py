"""IMPORT_ELEVES, the pupil ↔ group links EDT or Pronote push to SIECLE BEE (FORMATS.md §1.8).

Layout of VERSION 1.4, the version of a real EDT file of 2019 (edtgrp) and, give or take ``NOM``,
of gepi's writer: ``PARAMETRES`` (UAJ, ANNEE_SCOLAIRE, DATE_IMPORT as ``dd/mm/yyyy``, NUM_ENVOI,
LOGICIEL) then ``DONNEES/ELEVES/ELEVE``, each naming the pupil by ``ELEVE_ID`` (the BEE join key), name
and ISO birth date, with its ``GROUPES/GROUPE`` (``CODE_GROUPE`` and ISO start and end dates). Any
VERSION is read; 1.4 is written. ``NOM`` (gepi) is read as ``NOM_DE_FAMILLE``.

Decisions of ours:

* [INFER] the file is named ``import_eleves_<UAI>_<year>_<NUM_ENVOI>.xml`` (4-digit send number), and
  its zip, if one is used, the same name ending in ``.zip``; no public source gives either name.
* The record is the pupil: one bad group link leaves the whole pupil out of
  :attr:`~.checking.Checked.model` (with every problem reported), so that skipping never imports half
  of a pupil's groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats import identifiers as ids
from services.common.formats.checking import (
    Checked,
    check_document,
    errors_of,
    first_of,
    located_at,
    parse_at,
    parse_int,
    parse_year,
    parsed,
    parsed_optional,
    raise_all,
    raise_if_any,
    read_each,
)
from services.common.formats.errors import ErrorCollector, FormatError
from services.common.formats.xmlsafe import children, required_child, required_text, text
from services.common.formats.xmlwrite import element, node, serialize, sub, sub_date

ROOT = "IMPORT_ELEVES"
VERSION = "1.4"
_ELEVES = f"/{ROOT}/DONNEES/ELEVES"


@dataclass(slots=True, kw_only=True)
class GroupeEleve:
    """The pupil belongs to group ``code_groupe`` (a BEE ``CODE_STRUCTURE``) between these dates."""

    code_groupe: str
    date_debut_groupe: date | None = None
    date_fin_groupe: date | None = None


@dataclass(slots=True, kw_only=True)
class Eleve:
    """A pupil, named as in BEE_ELEVES so that SIECLE can check it is the right one."""

    eleve_id: str
    nom_de_famille: str
    prenom: str
    prenom2: str | None = None
    prenom3: str | None = None
    date_naiss: date
    groupes: list[GroupeEleve] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class ImportEleves:
    """A whole IMPORT_ELEVES file; ``num_envoi`` numbers the sends (EDT wrote 0)."""

    uaj: str
    annee_scolaire: int
    date_import: date | None = None
    num_envoi: int | None = None
    logiciel: str | None = None
    eleves: list[Eleve] = field(default_factory=list)


def import_eleves_filename(uai: str, year: int, num_envoi: int) -> str:
    """[INFER] ``import_eleves_<UAI>_<year>_<NUM_ENVOI>.xml``: ``import_eleves_0310053P_2024_0003.xml``."""
    return f"import_eleves_{ids.check_uai(uai)}_{year:04d}_{num_envoi:04d}.xml"


def check_import_eleves(data: bytes, *, filename: str) -> Checked[ImportEleves]:
    """Read pupil by pupil: raises only for file-level problems (not XML, wrong root, bad header); a bad
    pupil or group link leaves its pupil out of the model, each problem located in ``problems``."""
    return check_document(data, filename=filename, root=ROOT, read=_read)


def read_import_eleves(data: bytes, *, filename: str) -> ImportEleves:
    """Like :func:`check_import_eleves`, but any bad pupil refuses the file (all reported together)."""
    return check_import_eleves(data, filename=filename).strict()


def validate_import_eleves(model: ImportEleves) -> list[FormatError]:
    """The problems of a model built in code, each with its element path (what the reader would refuse)."""
    errors = errors_of(ids.check_uai, model.uaj, f"/{ROOT}/PARAMETRES/UAJ")
    seen: set[str] = set()
    for index, eleve in enumerate(model.eleves, 1):
        path = f"{_ELEVES}/ELEVE[{index}]"
        errors += located_at(eleve_errors(eleve) + first_of("ELEVE_ID", eleve.eleve_id, seen), path)
        for g_index, groupe in enumerate(eleve.groupes, 1):
            errors += located_at(groupe_errors(groupe), f"{path}/GROUPES/GROUPE[{g_index}]")
    return errors


def eleve_errors(eleve: Eleve) -> list[FormatError]:
    """A pupil must carry a numeric ``ELEVE_ID`` and a name (its links are checked apart)."""
    errors = []
    if not (eleve.eleve_id.isascii() and eleve.eleve_id.isdigit()):
        errors.append(_invalid(f"ELEVE_ID « {eleve.eleve_id} » n'est pas un identifiant SIECLE."))
    if not eleve.nom_de_famille.strip() or not eleve.prenom.strip():
        errors.append(FormatError(code=codes.ELEMENT_MANQUANT, detail="nom ou prénom vide."))
    return errors


def groupe_errors(groupe: GroupeEleve) -> list[FormatError]:
    """A link needs a writable group code and dates in order."""
    errors = errors_of(ids.check_code_structure, groupe.code_groupe)
    start, end = groupe.date_debut_groupe, groupe.date_fin_groupe
    if start is not None and end is not None and end < start:
        errors.append(_invalid("DATE_FIN_GROUPE avant DATE_DEBUT_GROUPE.", codes.DATE_INVALIDE))
    return errors


def write_import_eleves(model: ImportEleves) -> bytes:
    """The file's bytes (VERSION 1.4, ISO-8859-15); raises the problems of :func:`validate_import_eleves`."""
    raise_if_any(validate_import_eleves(model))
    root = element(ROOT, {"VERSION": VERSION})
    parametres = node(root, "PARAMETRES")
    sub(parametres, "UAJ", model.uaj)
    sub(parametres, "ANNEE_SCOLAIRE", f"{model.annee_scolaire:04d}")
    sub_date(parametres, "DATE_IMPORT", model.date_import)
    sub(parametres, "NUM_ENVOI", None if model.num_envoi is None else str(model.num_envoi))
    sub(parametres, "LOGICIEL", model.logiciel)
    eleves = node(node(root, "DONNEES"), "ELEVES")
    for eleve in model.eleves:
        _write_eleve(eleves, eleve)
    return serialize(root)


def _write_eleve(parent: etree._Element, eleve: Eleve) -> None:
    elem = node(parent, "ELEVE")
    sub(elem, "ELEVE_ID", eleve.eleve_id)
    sub(elem, "NOM_DE_FAMILLE", eleve.nom_de_famille)
    sub(elem, "PRENOM", eleve.prenom)
    sub(elem, "PRENOM2", eleve.prenom2)
    sub(elem, "PRENOM3", eleve.prenom3)
    sub_date(elem, "DATE_NAISS", eleve.date_naiss, iso=True)
    if eleve.groupes:
        groupes = node(elem, "GROUPES")
        for groupe in eleve.groupes:
            link = node(groupes, "GROUPE")
            sub(link, "CODE_GROUPE", groupe.code_groupe)
            sub_date(link, "DATE_DEBUT_GROUPE", groupe.date_debut_groupe, iso=True)
            sub_date(link, "DATE_FIN_GROUPE", groupe.date_fin_groupe, iso=True)


def _read(root: etree._Element, collector: ErrorCollector) -> ImportEleves:
    parametres = required_child(root, "PARAMETRES")
    uaj = required_text(parametres, "UAJ")
    model = ImportEleves(
        uaj=parse_at(parametres.find("UAJ"), uaj, ids.check_uai),
        annee_scolaire=parsed(parametres, "ANNEE_SCOLAIRE", parse_year),
        date_import=parsed_optional(parametres, "DATE_IMPORT", ids.parse_date_fr),
        num_envoi=parsed_optional(parametres, "NUM_ENVOI", parse_int),
        logiciel=text(parametres, "LOGICIEL") or None,
    )
    donnees = root.find("DONNEES")
    seen: set[str] = set()
    model.eleves = read_each(
        children(None if donnees is None else donnees.find("ELEVES"), "ELEVE"),
        lambda elem: _read_eleve(elem, seen),
        collector,
    )
    return model


def _read_eleve(elem: etree._Element, seen: set[str]) -> Eleve:
    # A collector of its own reports every problem of the pupil and of its links (each located at its
    # element) before the pupil is left out as one record.
    problems = ErrorCollector()
    eleve: Eleve | None = None
    with problems.record():
        eleve = Eleve(
            eleve_id=required_text(elem, "ELEVE_ID"),
            nom_de_famille=text(elem, "NOM_DE_FAMILLE") or required_text(elem, "NOM"),
            prenom=required_text(elem, "PRENOM"),
            prenom2=text(elem, "PRENOM2") or None,
            prenom3=text(elem, "PRENOM3") or None,
            date_naiss=parsed(elem, "DATE_NAISS", ids.parse_date_iso),
        )
        raise_all(eleve_errors(eleve) + first_of("ELEVE_ID", eleve.eleve_id, seen), elem)
    groupes = read_each(children(elem.find("GROUPES"), "GROUPE"), _read_groupe, problems)
    raise_if_any(problems.errors)
    assert eleve is not None  # else its error was raised just above
    eleve.groupes = groupes
    return eleve


def _read_groupe(elem: etree._Element) -> GroupeEleve:
    groupe = GroupeEleve(
        code_groupe=required_text(elem, "CODE_GROUPE"),
        date_debut_groupe=parsed_optional(elem, "DATE_DEBUT_GROUPE", ids.parse_date_iso),
        date_fin_groupe=parsed_optional(elem, "DATE_FIN_GROUPE", ids.parse_date_iso),
    )
    raise_all(groupe_errors(groupe), elem)
    return groupe


def _invalid(detail: str, code: str = codes.VALEUR_INVALIDE) -> FormatError:
    return FormatError(code=code, detail=detail)
