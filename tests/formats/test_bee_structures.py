"""BEE_STRUCTURES: the real Structures.xml, generated models, and the strict writer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from services.common.formats import errors as codes
from services.common.formats.bee_structures import (
    BeeStructures,
    DivisionAppartenance,
    read_bee_structures,
    write_bee_structures,
)
from services.common.formats.errors import FormatError
from services.common.formats.schemas import validate_against_xsd
from tests.formats.samples import canonical, sample
from tests.formats.strategies import records

STRUCTURES = sample("Progress/Structures.xml")


def test_reads_every_division_and_group_of_the_real_file() -> None:
    model = read_bee_structures(STRUCTURES)
    assert (model.version, model.parametres.uaj, model.parametres.annee_scolaire) == ("2.0", "0310053P", 2016)
    assert model.donnees.divisions is not None
    assert model.donnees.groupes is not None
    assert (len(model.donnees.divisions), len(model.donnees.groupes)) == (46, 66)
    first = model.donnees.divisions[0]
    assert (first.code_structure, first.libelle_long, first.code_rne) == ("1 BTMS", "1TMS", "0310053P")
    assert first.mefs_appartenance is not None
    assert first.mefs_appartenance[0].code_mef == "22132306110"


def test_real_file_is_written_back_semantically_identical() -> None:
    assert canonical(write_bee_structures(read_bee_structures(STRUCTURES))) == canonical(STRUCTURES)


def test_real_file_and_our_output_satisfy_our_xsd() -> None:
    validate_against_xsd(STRUCTURES, "bee_structures")
    validate_against_xsd(write_bee_structures(read_bee_structures(STRUCTURES)), "bee_structures")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(records(BeeStructures))
def test_any_valid_model_is_written_valid_and_read_back_equal(model: BeeStructures) -> None:
    written = write_bee_structures(model)
    validate_against_xsd(written, "bee_structures")
    assert read_bee_structures(written) == model


def test_strict_writer_refuses_a_lower_case_group_code_with_its_path() -> None:
    model = read_bee_structures(STRUCTURES)
    assert model.donnees.groupes is not None
    group = model.donnees.groupes[1]
    model.donnees.groupes[1] = replace(
        group, divisions_appartenance=[DivisionAppartenance(code_structure="4e 1")]
    )
    with pytest.raises(FormatError) as caught:
        write_bee_structures(model)
    assert caught.value.code == codes.CODE_STRUCTURE_INVALIDE
    group_path = "/BEE_STRUCTURES/DONNEES/GROUPES/GROUPE[2]"
    assert caught.value.path == f"{group_path}/DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE/CODE_STRUCTURE"
    assert b"4e 1" in write_bee_structures(model, strict=False)


def test_a_division_without_code_is_reported_with_its_line() -> None:
    start = b'<DIVISION CODE_STRUCTURE="1 PIS2">'
    line = STRUCTURES[: STRUCTURES.index(start)].count(b"\n") + 1
    broken = STRUCTURES.replace(start, b"<DIVISION>")
    with pytest.raises(FormatError) as caught:
        read_bee_structures(broken, filename="Structures.xml")
    assert caught.value.code == codes.ELEMENT_MANQUANT
    assert caught.value.path == "/BEE_STRUCTURES/DONNEES/DIVISIONS/DIVISION[2]"
    assert (caught.value.file, caught.value.line) == ("Structures.xml", line)
