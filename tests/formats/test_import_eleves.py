"""IMPORT_ELEVES 1.4: pupil ↔ group links pushed to SIECLE, read pupil by pupil."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from services.common.formats import errors as codes
from services.common.formats.errors import FormatError
from services.common.formats.import_eleves import (
    Eleve,
    GroupeEleve,
    ImportEleves,
    check_import_eleves,
    import_eleves_filename,
    read_import_eleves,
    validate_import_eleves,
    write_import_eleves,
)
from services.common.formats.schemas import validate_against_xsd
from tests.formats.sts_support import import_eleveses

ELEVES = "/IMPORT_ELEVES/DONNEES/ELEVES"


def _links() -> ImportEleves:
    year = (date(2024, 9, 2), date(2025, 7, 4))
    return ImportEleves(
        uaj="0332490C",
        annee_scolaire=2024,
        date_import=date(2024, 9, 20),
        num_envoi=0,
        logiciel="EDT",
        eleves=[
            Eleve(
                eleve_id="1234567",
                nom_de_famille="LEFÈVRE",
                prenom="Zoé",
                prenom2="Maëlle",
                date_naiss=date(2012, 2, 29),
                groupes=[
                    GroupeEleve(code_groupe="6A-LAT", date_debut_groupe=year[0], date_fin_groupe=year[1])
                ],
            ),
            Eleve(eleve_id="1234568", nom_de_famille="NGUYEN", prenom="Noé", date_naiss=date(2012, 6, 1)),
        ],
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(import_eleveses())
def test_any_valid_model_is_written_valid_and_read_back_equal(model: ImportEleves) -> None:
    written = write_import_eleves(model)
    validate_against_xsd(written, "import_eleves")
    assert read_import_eleves(written, filename="import.xml") == model


def test_writes_version_1_4_with_french_import_date_and_iso_dates() -> None:
    written = write_import_eleves(_links())
    assert written.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<IMPORT_ELEVES VERSION="1.4">')
    assert b"<DATE_IMPORT>20/09/2024</DATE_IMPORT>" in written
    assert b"<DATE_NAISS>2012-02-29</DATE_NAISS>" in written
    assert b"<DATE_DEBUT_GROUPE>2024-09-02</DATE_DEBUT_GROUPE>" in written
    assert "LEFÈVRE".encode("iso-8859-15") in written


def test_gepi_files_are_read_too() -> None:
    gepi = (
        write_import_eleves(_links())
        .replace(b'VERSION="1.4"', b'VERSION="1.3"')
        .replace(b"NOM_DE_FAMILLE>", b"NOM>")
    )
    assert read_import_eleves(gepi, filename="import.xml") == _links()


def test_a_bad_link_leaves_its_pupil_out_and_reports_every_problem() -> None:
    written = write_import_eleves(_links())
    broken = written.replace(b"6A-LAT", b"6a-lat").replace(b"2012-02-29", b"2012-02-30")
    checked = check_import_eleves(broken, filename="import.xml")
    assert [(e.code, e.path) for e in checked.problems] == [
        (codes.DATE_INVALIDE, f"{ELEVES}/ELEVE[1]/DATE_NAISS"),
        (codes.CODE_STRUCTURE_INVALIDE, f"{ELEVES}/ELEVE[1]/GROUPES/GROUPE"),
    ]
    assert [eleve.eleve_id for eleve in checked.model.eleves] == ["1234568"]


def test_a_repeated_pupil_is_reported_at_its_second_occurrence() -> None:
    model = _links()
    model.eleves[1].eleve_id = "1234567"
    [problem] = validate_import_eleves(model)
    assert problem.path == f"{ELEVES}/ELEVE[2]"
    model.eleves[1].eleve_id = "1234568"
    written = write_import_eleves(model).replace(b"1234568", b"1234567")
    checked = check_import_eleves(written, filename="import.xml")
    assert [e.path for e in checked.problems] == [f"{ELEVES}/ELEVE[2]"]
    assert len(checked.model.eleves) == 1


def test_a_group_cannot_end_before_it_starts() -> None:
    model = _links()
    model.eleves[0].groupes[0].date_fin_groupe = date(2024, 9, 1)
    [problem] = validate_import_eleves(model)
    assert (problem.code, problem.path) == (codes.DATE_INVALIDE, f"{ELEVES}/ELEVE[1]/GROUPES/GROUPE[1]")
    with pytest.raises(FormatError):
        write_import_eleves(model)


def test_file_name() -> None:
    assert import_eleves_filename("0332490C", 2024, 3) == "import_eleves_0332490C_2024_0003.xml"
