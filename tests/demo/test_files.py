"""Demo schools: every file is valid, reads back to its model, and depends on the seed only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.formats.bee_commun import read_bee_commun
from services.common.formats.bee_eleves import read_bee_eleves
from services.common.formats.bee_nomenclatures import read_bee_nomenclatures
from services.common.formats.bee_responsables import read_bee_responsables
from services.common.formats.bee_structures import read_bee_structures
from services.common.formats.edt_sts import read_edt_sts
from services.common.formats.import_eleves import read_import_eleves
from services.common.formats.schemas import validate_against_xsd
from services.common.formats.sts_edt import read_sts_edt
from tests.demo.conftest import SEED, YEAR
from tests.demo.files import written

READERS: dict[str, tuple[Callable[..., Any], str]] = {
    "bee_eleves": (read_bee_eleves, "eleves"),
    "bee_responsables": (read_bee_responsables, "responsables"),
    "bee_structures": (read_bee_structures, "structures"),
    "bee_commun": (read_bee_commun, "commun"),
    "bee_nomenclatures": (read_bee_nomenclatures, "nomenclatures"),
    "sts_edt": (read_sts_edt, "sts_edt"),
    "edt_sts": (read_edt_sts, "edt_sts"),
    "import_eleves": (read_import_eleves, "import_eleves"),
}


def test_every_file_satisfies_its_xsd_and_reads_back_to_its_model(schools: list[DemoSchool]) -> None:
    for school in schools:
        for name, data in written(school).items():
            validate_against_xsd(data, name)
            read, attribute = READERS[name]
            assert read(data, filename=f"{name}.xml") == getattr(school, attribute), (school.uai, name)


def test_same_seed_gives_the_same_bytes(schools: list[DemoSchool]) -> None:
    again = generate_school(SchoolKind.COLLEGE, uai="0332490C", year=YEAR, seed=SEED)
    [college] = [school for school in schools if school.uai == "0332490C"]
    assert written(again) == written(college)


def test_another_seed_gives_other_pupils_and_another_timetable(schools: list[DemoSchool]) -> None:
    other = written(generate_school(SchoolKind.COLLEGE, uai="0332490C", year=YEAR, seed=SEED + 1))
    [college] = [written(school) for school in schools if school.uai == "0332490C"]
    for name in ("bee_eleves", "bee_responsables", "sts_edt", "edt_sts", "import_eleves"):
        assert other[name] != college[name], name
    assert other["bee_nomenclatures"] == college["bee_nomenclatures"]  # the ministry's, not drawn


@pytest.mark.parametrize("kind", list(SchoolKind))
def test_the_school_is_of_its_kind_and_size(kind: SchoolKind, schools: list[DemoSchool]) -> None:
    [school] = [school for school in schools if school.kind is kind]
    pupils = school.eleves.donnees.eleves or []
    sizes = {SchoolKind.COLLEGE: 600, SchoolKind.LYCEE: 1800, SchoolKind.LYCEE_PRO: 450, SchoolKind.CPGE: 240}
    expected = sizes[kind]
    assert len(pupils) == expected
    first_division = school.sts_edt.divisions[0].code
    assert (
        first_division
        == {
            SchoolKind.COLLEGE: "6 A",
            SchoolKind.LYCEE: "2NDE 1",
            SchoolKind.LYCEE_PRO: "2 PRO1",
            SchoolKind.CPGE: "MPSI 1",
        }[kind]
    )
    if kind is SchoolKind.CPGE:  # MEF dispositif 301: classes préparatoires aux grandes écoles
        assert {(p.code_mef or "")[:3] for p in pupils} == {"301"}
