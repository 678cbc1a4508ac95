"""EDT_STS: the timetable pushed to STS, read record by record so a push can block or skip."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from services.common.formats import errors as codes
from services.common.formats.edt_sts import (
    Division,
    EdtSts,
    Groupe,
    check_edt_sts,
    edt_sts_filename,
    read_edt_sts,
    validate_edt_sts,
    write_edt_sts,
)
from services.common.formats.errors import FormatError, FormatErrors
from services.common.formats.schemas import validate_against_xsd
from services.common.formats.sts_services import Alternance, Cours, Enseignant, Service
from tests.formats.sts_support import edt_stss

# As lxml spells paths: an element alone of its name among its siblings has no index.
COURS_PATH = (
    "/EDT_STS/DONNEES/STRUCTURE/DIVISIONS/DIVISION/SERVICES/SERVICE/ENSEIGNANTS/ENSEIGNANT"
    "/COURS_RATTACHES/COURS"
)


def _timetable() -> EdtSts:
    def cours(day: int, hour: int, alternance: str | None = None) -> Cours:
        start = time(hour, 0)
        return Cours(
            code_alternance=alternance,
            jour=day,
            heure_debut=start,
            duree=timedelta(hours=1),
            code_salle="B12",
        )

    teacher = Enseignant(
        individu_id="4189", individu_type="epp", cours=[cours(1, 8), cours(2, 10, "SA"), cours(4, 14)]
    )
    return EdtSts(
        uaj="0310053P",
        annee_scolaire=2024,
        alternances=[
            Alternance(code="SA", libelle_court="Sem. A", semaines=[date(2024, 9, 2), date(2024, 9, 16)])
        ],
        salles=["B12", "LABO1"],
        divisions=[
            Division(
                code="2NDE 3",
                services=[Service(code_matiere="061300", code_mod_cours="CG", enseignants=[teacher])],
            )
        ],
        groupes=[Groupe(code="ESP LV2", divisions=["2NDE 3"], services=[])],
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(edt_stss())
def test_any_consistent_model_is_written_valid_and_read_back_equal(model: EdtSts) -> None:
    written = write_edt_sts(model)
    validate_against_xsd(written, "edt_sts")
    checked = check_edt_sts(written, filename="emp_sts.xml")
    assert checked.problems == []
    assert checked.model == model


def test_uai_and_year_are_written_as_text() -> None:
    written = write_edt_sts(_timetable())
    assert b"<UAJ>0310053P</UAJ>" in written
    assert b"<ANNEE_SCOLAIRE>2024</ANNEE_SCOLAIRE>" in written
    assert b'<SALLES>\n      <SALLE_COURS CODE="B12"/>' in written


def test_the_sts_edt_header_forms_are_read_too() -> None:
    written = write_edt_sts(_timetable())
    sts_form = written.replace(b"<UAJ>0310053P</UAJ>", b'<UAJ CODE="0310053P"/>').replace(
        b"<ANNEE_SCOLAIRE>2024</ANNEE_SCOLAIRE>", b'<ANNEE_SCOLAIRE ANNEE="2024"/>'
    )
    assert read_edt_sts(sts_form, filename="emp_sts.xml") == _timetable()


def test_bad_courses_are_left_out_and_each_reported_with_path_and_line() -> None:
    written = write_edt_sts(_timetable())
    broken = (
        written.replace(b"<JOUR>1</JOUR>", b"<JOUR>8</JOUR>", 1)
        .replace(b"<CODE_ALTERNANCE>SA</CODE_ALTERNANCE>", b"<CODE_ALTERNANCE>SZ</CODE_ALTERNANCE>")
        .replace(b"<HEURE_DEBUT>1400</HEURE_DEBUT>", b"<HEURE_DEBUT>14h00</HEURE_DEBUT>")
    )
    checked = check_edt_sts(broken, filename="emp_sts.xml")
    lines = broken.decode("iso-8859-15").splitlines()
    found = {(error.path, error.code, lines[(error.line or 0) - 1].strip()) for error in checked.problems}
    assert found == {
        (f"{COURS_PATH}[1]", codes.VALEUR_INVALIDE, "<COURS>"),
        (f"{COURS_PATH}[2]", codes.VALEUR_INVALIDE, "<COURS>"),
        (f"{COURS_PATH}[3]/HEURE_DEBUT", codes.VALEUR_INVALIDE, "<HEURE_DEBUT>14h00</HEURE_DEBUT>"),
    }
    assert all(error.file == "emp_sts.xml" for error in checked.problems)
    kept = checked.model.divisions[0].services[0].enseignants[0]
    assert kept.cours == []
    assert checked.model.groupes == _timetable().groupes


def test_a_teacher_id_that_is_no_sts_id_leaves_its_service_out_like_an_unknown_teacher() -> None:
    """Issue 15, item 10: reported at the teacher, and the service is left out (not kept teacherless)."""
    written = write_edt_sts(_timetable()).replace(b'ID="4189"', b'ID="DUPONT"')
    checked = check_edt_sts(written, filename="emp_sts.xml")
    teacher_path = "/EDT_STS/DONNEES/STRUCTURE/DIVISIONS/DIVISION/SERVICES/SERVICE/ENSEIGNANTS/ENSEIGNANT"
    assert [(e.code, e.path) for e in checked.problems] == [(codes.VALEUR_INVALIDE, teacher_path)]
    assert "DUPONT" in (checked.problems[0].detail or "")
    assert checked.model.divisions[0].services == []


def test_a_bad_group_code_leaves_only_that_group_out() -> None:
    model = _timetable()
    model.groupes.append(Groupe(code="SPE-MATHS", divisions=["2NDE 3"]))  # 9 characters
    written = write_edt_sts(_timetable()).replace(b'"ESP LV2"', b'"ESP LV2 ET LATIN"')
    checked = check_edt_sts(written, filename="emp_sts.xml")
    assert [(e.code, e.path) for e in checked.problems] == [
        (codes.CODE_STRUCTURE_INVALIDE, "/EDT_STS/DONNEES/STRUCTURE/GROUPES/GROUPE")
    ]
    assert checked.model.groupes == []
    assert checked.model.divisions == _timetable().divisions


def test_blocking_raises_every_problem_at_once() -> None:
    written = write_edt_sts(_timetable())
    # The division's code also appears in the group's DIVISION_APPARTENANCE: both records go.
    broken = written.replace(b'CODE="2NDE 3"', b'CODE="2nde 3"').replace(b'CODE="LABO1"', b'CODE=""')
    with pytest.raises(FormatErrors) as caught:
        read_edt_sts(broken, filename="emp_sts.xml")
    assert sorted(error.code for error in caught.value.errors) == [
        codes.CODE_STRUCTURE_INVALIDE,
        codes.CODE_STRUCTURE_INVALIDE,
        codes.ELEMENT_MANQUANT,
    ]


def test_unknown_room_is_refused_once_rooms_are_declared() -> None:
    model = _timetable()
    model.divisions[0].services[0].enseignants[0].cours[0].code_salle = "GYMNASE"
    problems = validate_edt_sts(model)
    assert [(e.path, e.detail) for e in problems] == [
        (
            "/EDT_STS/DONNEES/STRUCTURE/DIVISIONS/DIVISION[1]/SERVICES/SERVICE[1]/ENSEIGNANTS/ENSEIGNANT[1]"
            "/COURS_RATTACHES/COURS[1]",
            "CODE_SALLE « GYMNASE » n'est pas déclaré.",
        )
    ]
    model.salles = []
    assert validate_edt_sts(model) == []


def test_weeks_are_given_by_their_monday() -> None:
    model = _timetable()
    model.alternances[0].semaines.append(date(2024, 9, 24))  # a Tuesday
    [problem] = validate_edt_sts(model)
    assert (problem.code, problem.path) == (codes.DATE_INVALIDE, "/EDT_STS/DONNEES/ALTERNANCES/ALTERNANCE[1]")
    with pytest.raises(FormatError):
        write_edt_sts(model)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (b"<STS_EDT/>", codes.RACINE_INATTENDUE),
        (
            b"<EDT_STS><PARAMETRES><UAJ>0310053A</UAJ><ANNEE_SCOLAIRE>2024</ANNEE_SCOLAIRE></PARAMETRES>"
            b"<DONNEES/></EDT_STS>",
            codes.UAI_INVALIDE,
        ),
        (
            b"<EDT_STS><PARAMETRES><UAJ>0310053P</UAJ><ANNEE_SCOLAIRE>24</ANNEE_SCOLAIRE></PARAMETRES>"
            b"<DONNEES/></EDT_STS>",
            codes.VALEUR_INVALIDE,
        ),
        (
            b"<EDT_STS><PARAMETRES><UAJ>0310053P</UAJ></PARAMETRES><DONNEES/></EDT_STS>",
            codes.ELEMENT_MANQUANT,
        ),
        (b"<EDT_STS><PARAMETRES>", codes.XML_MAL_FORME),
    ],
)
def test_file_level_problems_refuse_the_whole_file(document: bytes, code: str) -> None:
    with pytest.raises(FormatError) as caught:
        check_edt_sts(document, filename="emp_sts.xml")
    assert caught.value.code == code


def test_file_name_mirrors_the_sts_export() -> None:
    assert edt_sts_filename("0310053P", 2024) == "emp_sts_0310053P_2024.xml"
