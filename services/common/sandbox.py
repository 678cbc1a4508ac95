"""The sandbox school: a UAI reserved for editors' tests, with demo data they may reset and change.

``0319999A`` (académie de Toulouse) is never a real school. Its data is a small collège from the
deterministic demo generator (:func:`sandbox_school`), the same for the same year; the published sample
files (``/docs/references``) are its files, so what an editor reads in the docs is what the sandbox
serves after a reset.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.formats import bee_historique as bh
from services.common.formats.bee_commun import write_bee_commun
from services.common.formats.bee_eleves import write_bee_eleves
from services.common.formats.bee_nomenclatures import write_bee_nomenclatures
from services.common.formats.bee_responsables import write_bee_responsables
from services.common.formats.bee_structures import write_bee_structures
from services.common.formats.edt_sts import edt_sts_filename, write_edt_sts
from services.common.formats.import_eleves import import_eleves_filename, write_import_eleves
from services.common.formats.sts_edt import sts_emp_filename, write_sts_edt

SANDBOX_UAI = "0319999A"
SANDBOX_SEED = 17
_PUPILS = 60


def sandbox_school(year: int) -> DemoSchool:
    """The sandbox's known state for ``year``: what a reset puts back."""
    return generate_school(
        SchoolKind.COLLEGE,
        uai=SANDBOX_UAI,
        year=year,
        seed=SANDBOX_SEED,
        pupils=_PUPILS,
        divisions_per_level=1,
    )


@dataclass(frozen=True, slots=True)
class SampleFile:
    """One flow's file: the flow as the API names it, its direction, its file name and XSD."""

    flow: str
    direction: str  # "export" (the platform writes it) or "import" (the editor's software writes it)
    filename: str
    schema: str
    data: bytes


def sample_files(school: DemoSchool) -> list[SampleFile]:
    """Every flow's file of ``school``, written by the platform's own codecs."""
    year = school.year
    return [
        SampleFile(
            "eleves", "export", "ElevesAvecAdresses.xml", "bee_eleves", write_bee_eleves(school.eleves)
        ),
        SampleFile(
            "responsables",
            "export",
            "ResponsablesAvecAdresses.xml",
            "bee_responsables",
            write_bee_responsables(school.responsables),
        ),
        SampleFile(
            "nomenclatures",
            "export",
            "Nomenclature.xml",
            "bee_nomenclatures",
            write_bee_nomenclatures(school.nomenclatures),
        ),
        SampleFile(
            "structures",
            "export",
            "Structures.xml",
            "bee_structures",
            write_bee_structures(school.structures),
        ),
        SampleFile("etablissement", "export", "Communs.xml", "bee_commun", write_bee_commun(school.commun)),
        SampleFile(
            "emploi-du-temps",
            "export",
            sts_emp_filename(school.uai, year),
            "sts_edt",
            write_sts_edt(school.sts_edt),
        ),
        SampleFile(
            "historique-eleves",
            "export",
            f"{bh.STEM}.xml",
            "bee_historique_eleves",
            bh.write_bee_historique(school_history(school)),
        ),
        SampleFile(
            "emploi-du-temps",
            "import",
            edt_sts_filename(school.uai, year),
            "edt_sts",
            write_edt_sts(school.edt_sts),
        ),
        SampleFile(
            "liens-eleves-groupes",
            "import",
            import_eleves_filename(school.uai, year, 1),
            "import_eleves",
            write_import_eleves(school.import_eleves),
        ),
    ]


def school_history(school: DemoSchool) -> bh.BeeHistoriqueEleves:
    """The ``historique-eleves`` file of a school loaded for its one year, as BEE derives it."""
    structures = school.eleves.donnees.structures or []
    division = {
        s.eleve_id: next((x.code_structure for x in s.structures if x.type_structure == "D"), None)
        for s in structures
    }
    pupils = sorted(school.eleves.donnees.eleves or [], key=lambda pupil: pupil.eleve_id)
    uaj = school.commun.donnees.uaj
    index = {bh.identity(pupil): (pupil, division.get(pupil.eleve_id)) for pupil in pupils}
    held = {school.year: (index, uaj.denom_princ if uaj is not None else None)}
    return bh.BeeHistoriqueEleves(
        version=bh.VERSION,
        parametres=school.eleves.parametres,
        donnees=bh.DonneesHistorique(
            eleves=[bh.pupil_history(pupil, school.uai, school.year, held) for pupil in pupils]
        ),
    )
