"""Demo schools look like real ones: French names, valid identifiers, siblings, re-entered guardians."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path

from services.common.demo import DemoSchool, large_lycee
from services.common.demo.catalogue import SAMPLE_NOMENCLATURE, nomenclature
from services.common.formats import identifiers as ids
from tests.demo.conftest import SEED, YEAR
from tests.demo.files import courses


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def test_names_carry_french_accents(schools: list[DemoSchool]) -> None:
    for school in schools:
        names = [f"{p.nom_de_famille} {p.prenom}" for p in school.eleves.donnees.eleves or []]
        accented = [name for name in names if not name.isascii()]
        assert len(accented) > len(names) // 10


def test_every_uai_and_ine_is_valid_and_a_few_pupils_have_no_ine(schools: list[DemoSchool]) -> None:
    for school in schools:
        assert ids.is_valid_uai(school.uai)
        assert ids.is_valid_uai(school.sts_edt.uaj.code)
        pupils = school.eleves.donnees.eleves or []
        ines = [p.id_national for p in pupils if p.id_national is not None]
        assert all(ids.ine_kind(ine) == "bea" for ine in ines)
        assert len(set(ines)) == len(ines)
        assert 0 < len(pupils) - len(ines) < len(pupils) // 10


def test_siblings_share_their_guardians(schools: list[DemoSchool]) -> None:
    for school in schools:
        children: dict[str, set[str]] = defaultdict(set)
        for link in school.responsables.donnees.responsables or []:
            children[link.personne_id].add(link.eleve_id)
        assert any(len(pupils) >= 2 for pupils in children.values())


def test_some_guardians_were_entered_twice(schools: list[DemoSchool]) -> None:
    for school in schools:
        by_person: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
        for person in school.responsables.donnees.personnes or []:
            key = (_plain(person.nom_de_famille or ""), person.prenom or "", person.adresse_id)
            by_person[key].add(person.personne_id)
        twice = [key for key, ids_ in by_person.items() if len(ids_) > 1]
        assert twice, school.uai


def test_groups_and_divisions_codes_fit_in_eight_characters(schools: list[DemoSchool]) -> None:
    for school in schools:
        codes = [d.code for d in school.sts_edt.divisions] + [g.code for g in school.sts_edt.groupes]
        assert all(ids.is_valid_code_structure(code) for code in codes)


def test_timetable_uses_week_a_and_week_b(schools: list[DemoSchool]) -> None:
    for school in schools:
        alternances = {a.code: a.semaines for a in school.edt_sts.alternances}
        assert set(alternances) == {"SA", "SB"}
        assert all(week.isoweekday() == 1 for weeks in alternances.values() for week in weeks)
        used = {c.code_alternance for c in courses(school.edt_sts)}
        assert used == {None, "SA", "SB"}


def test_the_embedded_nomenclature_has_every_code_the_demo_uses(schools: list[DemoSchool]) -> None:
    fallback = nomenclature(Path("/nonexistent/Nomenclature.xml")).donnees
    matieres = {m.code_matiere for m in fallback.matieres or []}
    mefs = {m.code_mef for m in fallback.mefs or []}
    for school in schools:
        assert {m.code for m in school.sts_edt.nomenclatures.matieres} <= matieres
        assert {m.code for m in school.sts_edt.nomenclatures.mefs} <= mefs
    assert SAMPLE_NOMENCLATURE.is_file()  # the demo read the real sample here


def test_the_benchmark_lycee_has_the_expected_size() -> None:
    school = large_lycee(YEAR, SEED)
    assert len(school.eleves.donnees.eleves or []) == 2000
    assert len(school.edt_sts.divisions) == 120
    assert 380 <= len(school.edt_sts.groupes) <= 440
    assert 170 <= len(school.sts_edt.individus) <= 240
    assert len(courses(school.edt_sts)) >= 4000
