"""STS_EDT, STS-WEB's export for timetable software: ``sts_emp_<UAI>_<year>.xml`` (FORMATS.md §1.1).

It gives the editor what its timetable must be matched against: the school (``UAJ @CODE``, an attribute
here, unlike BEE files), the school year (``ANNEE_SCOLAIRE @ANNEE``, ISO dates), the profiled subjects
and MEFs, the teachers (``INDIVIDU @ID``), and the divisions and groups with their services.

No public sample exists; the tree follows gepi, pykol and crlr. Decisions of ours:

* [INFER] ``DONNEES/ALTERNANCES`` (same shape as in EDT_STS) is written between ``SUPPLEANTS`` and
  ``STRUCTURE`` when the school has alternations: once EDT has uploaded a timetable, STS_EDT carries
  ``COURS`` whose ``CODE_ALTERNANCE`` must resolve in the same file.
* [INFER] ``GROUPE`` carries ``MEFS_APPARTENANCE`` after ``DIVISIONS_APPARTENANCE``, by analogy.
* The root has no VERSION attribute (pykol); one found on read is ignored.

Reading is lenient (unknown elements ignored, identifiers kept as read) and reports every bad record
together; writing first runs :func:`validate_sts_edt`, which also checks that every code points to
something the file declares.
"""

from __future__ import annotations

from services.common.formats import identifiers as ids
from services.common.formats.checking import check_document, errors_of, located_at, raise_if_any
from services.common.formats.errors import FormatError
from services.common.formats.sts_edt_models import (
    Academie,
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
from services.common.formats.sts_edt_xml import ROOT, build_tree, read_tree
from services.common.formats.sts_services import References, validate_alternances, validate_services
from services.common.formats.xmlwrite import serialize

__all__ = [
    "ROOT",
    "Academie",
    "AnneeScolaire",
    "Civilite",
    "Discipline",
    "Division",
    "DivisionAppartenance",
    "Groupe",
    "Individu",
    "Matiere",
    "Mef",
    "MefAppartenance",
    "Nomenclatures",
    "ProfPrinc",
    "Programme",
    "StsEdt",
    "Uaj",
    "read_sts_edt",
    "sts_emp_filename",
    "validate_sts_edt",
    "write_sts_edt",
]

_STRUCTURE = f"/{ROOT}/DONNEES/STRUCTURE"


def sts_emp_filename(uai: str, year: int) -> str:
    """The name STS-WEB gives the export, e.g. ``sts_emp_0332490C_2009.xml`` (``year``: starting year)."""
    return f"sts_emp_{ids.check_uai(uai)}_{year:04d}.xml"


def read_sts_edt(data: bytes, *, filename: str) -> StsEdt:
    """Read an STS_EDT file (unknown elements ignored).

    Raises :class:`~.errors.FormatError` for a file-level problem or, once the whole file is read, for
    every bad record together (:class:`~.errors.FormatErrors`).
    """
    return check_document(data, filename=filename, root=ROOT, read=read_tree).strict()


def write_sts_edt(model: StsEdt) -> bytes:
    """The file's bytes (ISO-8859-15); raises the problems of :func:`validate_sts_edt` instead."""
    raise_if_any(validate_sts_edt(model))
    return serialize(build_tree(model))


def validate_sts_edt(model: StsEdt) -> list[FormatError]:
    """Every problem a writer must refuse, each with its element path.

    Identifiers must be writable (UAI, subject, MEF, division and group codes) and every reference must
    resolve in the file: subjects, MEFs, teachers, alternations, the divisions of a group.
    """
    errors = errors_of(ids.check_uai, model.uaj.code, f"/{ROOT}/PARAMETRES/UAJ/@CODE")
    for index, matiere in enumerate(model.nomenclatures.matieres, 1):
        path = f"/{ROOT}/NOMENCLATURES/MATIERES/MATIERE[{index}]/@CODE"
        errors += errors_of(ids.check_code_matiere, matiere.code, path)
    for index, mef in enumerate(model.nomenclatures.mefs, 1):
        errors += errors_of(ids.check_mef, mef.code, f"/{ROOT}/NOMENCLATURES/MEFS/MEF[{index}]/@CODE")
    errors += _individus_errors(model)
    errors += validate_alternances(model.alternances, f"/{ROOT}/DONNEES/ALTERNANCES")
    known = _Declared(model)
    for index, division in enumerate(model.divisions, 1):
        errors += known.structure_errors(division, f"{_STRUCTURE}/DIVISIONS/DIVISION[{index}]")
    for index, groupe in enumerate(model.groupes, 1):
        path = f"{_STRUCTURE}/GROUPES/GROUPE[{index}]"
        errors += known.structure_errors(groupe, path)
        for d_index, appartenance in enumerate(groupe.divisions, 1):
            d_path = f"{path}/DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE[{d_index}]"
            errors += known.check("division", appartenance.code, known.divisions, d_path)
    return errors


def _individus_errors(model: StsEdt) -> list[FormatError]:
    errors: list[FormatError] = []
    lists = (("INDIVIDUS/INDIVIDU", model.individus), ("SUPPLEANTS/SUPPLEANT", model.suppleants))
    for tag, individus in lists:
        for index, individu in enumerate(individus, 1):
            path = f"/{ROOT}/DONNEES/{tag}[{index}]"
            if not (individu.individu_id.isascii() and individu.individu_id.isdigit()):
                detail = f"@ID « {individu.individu_id} » n'est pas un identifiant STS."
                errors += located_at([FormatError(detail=detail)], f"{path}/@ID")
            for p_index, prof_princ in enumerate(individu.profs_princ, 1):
                p_path = f"{path}/PROFS_PRINC/PROF_PRINC[{p_index}]/CODE_STRUCTURE"
                errors += errors_of(ids.check_code_structure, prof_princ.code_structure, p_path)
    return errors


class _Declared:
    """The codes an STS_EDT declares, which its structure may point to."""

    def __init__(self, model: StsEdt) -> None:
        self.matieres = {matiere.code for matiere in model.nomenclatures.matieres}
        self.mefs = {mef.code for mef in model.nomenclatures.mefs}
        self.individus = {i.individu_id for i in (*model.individus, *model.suppleants)}
        self.divisions = {division.code for division in model.divisions}
        self.refs = References(alternances=frozenset(a.code for a in model.alternances))

    def structure_errors(self, structure: Division | Groupe, path: str) -> list[FormatError]:
        errors = errors_of(ids.check_code_structure, structure.code, f"{path}/@CODE")
        for index, mef in enumerate(structure.mefs, 1):
            m_path = f"{path}/MEFS_APPARTENANCE/MEF_APPARTENANCE[{index}]"
            errors += self.check("MEF", mef.code, self.mefs, m_path)
        errors += validate_services(structure.services, f"{path}/SERVICES", self.refs)
        for index, service in enumerate(structure.services, 1):
            s_path = f"{path}/SERVICES/SERVICE[{index}]"
            errors += self.check("matière", service.code_matiere, self.matieres, s_path)
            for e_index, enseignant in enumerate(service.enseignants, 1):
                e_path = f"{s_path}/ENSEIGNANTS/ENSEIGNANT[{e_index}]"
                errors += self.check("individu", enseignant.individu_id, self.individus, e_path)
        return errors

    @staticmethod
    def check(what: str, code: str, declared: set[str], path: str) -> list[FormatError]:
        if code in declared:
            return []
        return located_at([FormatError(detail=f"{what} « {code} » non déclaré(e) dans le fichier.")], path)
