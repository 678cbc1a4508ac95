"""The académie of a school follows from its UAI's department digits (Corsica, overseas, Normandie)."""

from __future__ import annotations

import pytest

from services.common.academies import ACADEMIES, academie_of_uai, departement_code, resolve_academie
from services.common.formats.identifiers import check_letter


def uai(digits: str) -> str:
    return digits + check_letter(digits)


@pytest.mark.parametrize(
    ("digits", "slug"),
    [
        ("0310053", "toulouse"),
        ("0332490", "bordeaux"),
        ("0750001", "paris"),
        ("0930001", "creteil"),
        ("0920001", "versailles"),
        ("6200001", "corse"),  # Corse-du-Sud, 2A
        ("7200002", "corse"),  # Haute-Corse, 2B
        ("9710001", "guadeloupe"),
        ("9720001", "martinique"),
        ("9730001", "guyane"),
        ("9740001", "la-reunion"),
        ("9760001", "mayotte"),
        ("9770001", "guadeloupe"),  # Saint-Barthélemy
        ("0140001", "normandie"),  # Calvados, académie de Caen until 2020
        ("0760001", "normandie"),  # Seine-Maritime, académie de Rouen until 2020
    ],
)
def test_academie_of_uai_follows_department_digits(digits: str, slug: str) -> None:
    academie = academie_of_uai(uai(digits))
    assert academie is not None
    assert academie.slug == slug


def test_corsican_prefixes_are_departments_2a_and_2b() -> None:
    assert (departement_code("620"), departement_code("720")) == ("2A", "2B")
    assert departement_code("031") == "31"
    assert departement_code("974") == "974"


def test_every_metropolitan_department_belongs_to_exactly_one_academie() -> None:
    metropolitan = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    owners = {dep: [a.slug for a in ACADEMIES if dep in a.departements] for dep in metropolitan}
    assert {dep: len(slugs) for dep, slugs in owners.items() if len(slugs) != 1} == {}
    assert len({a.slug for a in ACADEMIES if a.number not in {"40", "41", "42", "44"}}) == 30


def test_invalid_or_unknown_uai_has_no_academie() -> None:
    assert academie_of_uai("0310053A") is None  # wrong check letter
    assert academie_of_uai("nonsense") is None
    assert academie_of_uai(uai("0200001")) is None  # 020: Corsica is numbered 620/720


def test_former_academies_resolve_to_normandie() -> None:
    caen, rouen = resolve_academie("caen"), resolve_academie("Rouen")
    assert caen is not None
    assert rouen is not None
    assert caen.slug == rouen.slug == "normandie"
    assert resolve_academie("atlantide") is None
