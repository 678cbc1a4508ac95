"""The completeness table (services/common/formats/completeness.py) agrees with the real files, and a
real file read then written again keeps every element and attribute it had."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.common.formats.bee_commun import read_bee_commun, write_bee_commun
from services.common.formats.bee_eleves import read_bee_eleves, write_bee_eleves
from services.common.formats.bee_nomenclatures import read_bee_nomenclatures, write_bee_nomenclatures
from services.common.formats.bee_structures import read_bee_structures, write_bee_structures
from services.common.formats.completeness import TABLES, element_paths, gaps
from tests.formats.samples import sample

REAL = ("Progress/Structures.xml", "Progress/Nomenclature.xml", "Progress/Communs.xml")
CODECS: dict[str, tuple[Callable[..., object], Callable[..., bytes]]] = {
    "Progress/Structures.xml": (read_bee_structures, write_bee_structures),
    "Progress/Nomenclature.xml": (read_bee_nomenclatures, write_bee_nomenclatures),
    "Progress/Communs.xml": (read_bee_commun, write_bee_commun),
    "pix/siecle-with-two-valid-students.xml": (read_bee_eleves, write_bee_eleves),
    "pix/siecle-with-registrations-no-longer-in-school.xml": (read_bee_eleves, write_bee_eleves),
}


@pytest.mark.parametrize("name", REAL)
def test_the_real_samples_meet_the_table(name: str) -> None:
    assert gaps(sample(name)) == []


@pytest.mark.parametrize("name", list(CODECS))
def test_a_sample_read_and_written_again_has_the_same_elements(name: str) -> None:
    read, write = CODECS[name]
    data = sample(name)
    again = write(read(data, filename=name), strict=False)
    assert element_paths(again) == element_paths(data)


def test_the_check_finds_what_is_missing() -> None:
    communs = sample("Progress/Communs.xml").replace(b"<TELECOPIE>05 61 47 52 22</TELECOPIE>", b"")
    assert gaps(communs) == ["DONNEES/UAJ[] : TELECOPIE absent"]
    born_in_france = (
        b'<BEE_ELEVES><DONNEES><ELEVES><ELEVE ELEVE_ID="1" ELENOET="1"><CODE_PAYS>100</CODE_PAYS>'
        b"</ELEVE></ELEVES></DONNEES></BEE_ELEVES>"
    )
    problems = gaps(born_in_france, sometimes=False)
    assert (
        "DONNEES/ELEVES/ELEVE[1] (élève né en France (CODE_PAYS 100)) : CODE_COMMUNE_INSEE_NAISS absent"
        in problems
    )


def test_every_format_exported_has_a_table() -> None:
    assert set(TABLES) == {
        "BEE_ELEVES", "BEE_RESPONSABLES", "BEE_STRUCTURES", "BEE_NOMENCLATURES", "BEE_COMMUN", "STS_EDT"
    }  # fmt: skip
