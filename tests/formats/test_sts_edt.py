"""STS_EDT (sts_emp_<UAI>_<year>.xml): generated models, the strict writer, the lenient reader."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from services.common.formats import errors as codes
from services.common.formats.errors import FormatError, FormatErrors
from services.common.formats.schemas import validate_against_xsd
from services.common.formats.sts_edt import (
    AnneeScolaire,
    Division,
    Individu,
    Matiere,
    Nomenclatures,
    StsEdt,
    Uaj,
    read_sts_edt,
    sts_emp_filename,
    validate_sts_edt,
    write_sts_edt,
)
from services.common.formats.sts_services import Alternance, Cours, Enseignant, Service
from tests.formats.sts_support import sts_edts


def _school() -> StsEdt:
    cours = Cours(code_alternance="SA", jour=1, heure_debut=time(8, 0), duree=timedelta(hours=1))
    service = Service(
        code_matiere="030201",
        code_mod_cours="CG",
        enseignants=[Enseignant(individu_id="4189", cours=[cours])],
    )
    return StsEdt(
        uaj=Uaj(code="0332490C", denom_princ="Collège Jean Moulin"),
        annee_scolaire=AnneeScolaire(annee=2024, date_debut=date(2024, 9, 1), date_fin=date(2025, 8, 31)),
        nomenclatures=Nomenclatures(matieres=[Matiere(code="030201", libelle_court="ALL1")]),
        individus=[
            Individu(
                individu_id="4189", individu_type="epp", nom_usage="MARTIN", date_naissance=date(1980, 5, 6)
            )
        ],
        alternances=[Alternance(code="SA", semaines=[date(2024, 9, 2), date(2024, 9, 16)])],
        divisions=[Division(code="3 A", effectif_prevu=28, services=[service])],
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(sts_edts())
def test_any_consistent_model_is_written_valid_and_read_back_equal(model: StsEdt) -> None:
    written = write_sts_edt(model)
    assert written.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<STS_EDT>')
    validate_against_xsd(written, "sts_edt")
    assert read_sts_edt(written, filename="sts_emp.xml") == model


def test_the_uai_is_an_attribute_and_dates_are_iso() -> None:
    written = write_sts_edt(_school())
    assert b'<UAJ CODE="0332490C">' in written
    assert b'<ANNEE_SCOLAIRE ANNEE="2024">' in written
    assert b"<DATE_DEBUT>2024-09-01</DATE_DEBUT>" in written
    assert "Collège".encode("iso-8859-15") in written


def test_file_name_is_the_one_sts_web_gives() -> None:
    assert sts_emp_filename("0332490C", 2009) == "sts_emp_0332490C_2009.xml"
    with pytest.raises(FormatError) as caught:
        sts_emp_filename("0332490D", 2009)
    assert caught.value.code == codes.UAI_INVALIDE


def test_writer_refuses_a_teacher_the_file_does_not_declare_and_says_where() -> None:
    model = _school()
    model.individus = []
    with pytest.raises(FormatError) as caught:
        write_sts_edt(model)
    assert caught.value.path == (
        "/STS_EDT/DONNEES/STRUCTURE/DIVISIONS/DIVISION[1]/SERVICES/SERVICE[1]/ENSEIGNANTS/ENSEIGNANT[1]"
    )
    assert "4189" in (caught.value.detail or "")


def test_validation_lists_every_unresolved_code() -> None:
    model = _school()
    model.alternances = []
    model.nomenclatures.matieres = []
    model.divisions[0].code = "3a"
    found = {(error.code, error.path) for error in validate_sts_edt(model)}
    division = "/STS_EDT/DONNEES/STRUCTURE/DIVISIONS/DIVISION[1]"
    assert found == {
        (codes.CODE_STRUCTURE_INVALIDE, f"{division}/@CODE"),
        (codes.VALEUR_INVALIDE, f"{division}/SERVICES/SERVICE[1]"),
        (
            codes.VALEUR_INVALIDE,
            f"{division}/SERVICES/SERVICE[1]/ENSEIGNANTS/ENSEIGNANT[1]/COURS_RATTACHES/COURS[1]",
        ),
    }


def test_reader_ignores_unknown_elements_and_a_version() -> None:
    written = write_sts_edt(_school())
    decorated = written.replace(b"<STS_EDT>", b'<STS_EDT VERSION="9.9">').replace(
        b"<LIBELLE_COURT>ALL1</LIBELLE_COURT>", b"<LIBELLE_COURT>ALL1</LIBELLE_COURT><NOUVEAU>x</NOUVEAU>"
    )
    assert read_sts_edt(decorated, filename="sts_emp.xml") == _school()


def test_reader_refuses_the_timetable_softwares_own_export() -> None:
    with pytest.raises(FormatError) as caught:
        read_sts_edt(b"<EDT_STS><PARAMETRES/></EDT_STS>", filename="emp_sts.xml")
    assert caught.value.code == codes.RACINE_INATTENDUE


def test_reader_reports_every_bad_record_with_its_line() -> None:
    written = write_sts_edt(_school())
    broken = written.replace(b"<JOUR>1</JOUR>", b"<JOUR>lundi</JOUR>").replace(b"1980-05-06", b"1980-13-06")
    with pytest.raises(FormatErrors) as caught:
        read_sts_edt(broken, filename="sts_emp.xml")
    lines = broken.decode("iso-8859-15").splitlines()
    located = {(error.path or "", lines[(error.line or 0) - 1].strip()) for error in caught.value.errors}
    assert {path.rsplit("/", 1)[-1] for path, _ in located} == {"JOUR", "DATE_NAISSANCE"}
    assert {text for _, text in located} == {
        "<JOUR>lundi</JOUR>",
        "<DATE_NAISSANCE>1980-13-06</DATE_NAISSANCE>",
    }
