"""Every file of every kind of demo school carries what a real file carries, record by record
(services/common/formats/completeness.py), beside being valid for our XSDs."""

from __future__ import annotations

import pytest

from services.common.demo import DemoSchool, SchoolKind
from services.common.formats.completeness import gaps
from tests.demo.files import written

EXPORTED = ("bee_eleves", "bee_responsables", "bee_structures", "bee_commun", "bee_nomenclatures", "sts_edt")


@pytest.mark.parametrize("kind", list(SchoolKind), ids=lambda k: k.value)
@pytest.mark.parametrize("name", EXPORTED)
def test_the_demo_school_is_as_complete_as_a_real_one(
    kind: SchoolKind, name: str, schools: list[DemoSchool]
) -> None:
    [school] = [school for school in schools if school.kind is kind]
    assert gaps(written(school)[name]) == []


def test_pupils_are_born_somewhere_and_were_somewhere_last_year(schools: list[DemoSchool]) -> None:
    for school in schools:
        pupils = school.eleves.donnees.eleves or []
        for pupil in pupils:
            if pupil.code_pays == "100":
                assert pupil.code_commune_insee_naiss, pupil.eleve_id
                assert pupil.code_departement_naiss, pupil.eleve_id
            else:
                assert pupil.ville_naiss, pupil.eleve_id
        schooling = [p.scolarite_an_dernier for p in pupils if p.scolarite_an_dernier is not None]
        assert len(schooling) == len(pupils)
        full = [s for s in schooling if s.code_rne and s.code_structure and s.ll_commune_insee]
        empty = [s for s in schooling if s.code_rne is None]
        assert len(full) > 0.85 * len(pupils), school.uai  # as the real file: most full...
        assert empty, school.uai  # ...a few empty
        left = [p for p in pupils if p.date_sortie is not None]
        assert left
        assert all(p.code_motif_sortie for p in left)
