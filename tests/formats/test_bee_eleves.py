"""BEE_ELEVES: Pix's fixtures, generated schools, per-pupil error reports, the strict writer."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from services.common.formats import errors as codes
from services.common.formats.bee_eleves import BeeEleves, Eleve, read_bee_eleves, write_bee_eleves
from services.common.formats.binding import plan
from services.common.formats.errors import FormatError, FormatErrors
from services.common.formats.schemas import validate_against_xsd
from tests.formats.samples import canonical, sample
from tests.formats.strategies import records

PIX = [
    "pix/siecle-with-two-valid-students.xml",
    "pix/siecle-with-two-valid-students-and-school-year.xml",
    "pix/siecle-with-registrations-no-longer-in-school.xml",
]
# Pix's synthetic fixtures list ELEVE's children in another order than the real files (CODE_SEXE before
# DATE_NAISS...): the reader takes any order, the writer emits the real one, so compare in that order.
REAL_ORDER = {"ELEVE": [b.tag for _, b in plan(Eleve)]}
PROLOG = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n'


@pytest.mark.parametrize("name", PIX)
def test_pix_fixtures_are_written_back_semantically_identical(name: str) -> None:
    data = sample(name)
    written = write_bee_eleves(read_bee_eleves(data, filename=name), strict=False)
    assert canonical(written, reorder=REAL_ORDER) == canonical(data, reorder=REAL_ORDER)


def test_keeps_leading_zeros_empty_elements_and_latin9_letters() -> None:
    model = read_bee_eleves(sample(PIX[1]))
    assert model.donnees.eleves is not None
    assert model.donnees.structures is not None
    first, second = model.donnees.eleves
    assert (first.eleve_id, first.nom_usage, first.prenom2, first.date_naiss) == (
        "0001",
        "",
        "Léa",
        date(1994, 12, 31),
    )
    assert second.prenom2 == "Cocœ"
    assert [s.code_structure for s in model.donnees.structures[1].structures] == ["42", "4A"]
    assert (model.parametres.annee_scolaire, model.donnees.adresses) == (2016, None)


def test_reads_pupils_who_left_and_pupils_without_ine() -> None:
    pupils = read_bee_eleves(sample(PIX[2])).donnees.eleves
    assert pupils is not None
    assert [p.date_sortie for p in pupils][-1] == date(2019, 9, 1)
    assert pupils[2].id_national is None


def test_strict_writer_refuses_the_fixture_uai_with_its_path() -> None:
    with pytest.raises(FormatError) as caught:
        write_bee_eleves(read_bee_eleves(sample(PIX[0])))
    assert (caught.value.code, caught.value.path) == (codes.UAI_INVALIDE, "/BEE_ELEVES/PARAMETRES/UAJ")


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records(BeeEleves))
def test_any_valid_model_is_written_valid_and_read_back_equal(model: BeeEleves) -> None:
    written = write_bee_eleves(model)
    validate_against_xsd(written, "bee_eleves")
    assert read_bee_eleves(written) == model


def pupils(*bodies: bytes) -> bytes:
    eleves = b"".join(b'<ELEVE ELEVE_ID="%d">\n%s</ELEVE>\n' % (i, body) for i, body in enumerate(bodies, 1))
    head = b"<BEE_ELEVES><PARAMETRES><UAJ>0310053P</UAJ></PARAMETRES>\n<DONNEES><ELEVES>\n"
    return PROLOG + head + eleves + b"</ELEVES></DONNEES></BEE_ELEVES>"


GOOD = b"<NOM_DE_FAMILLE>A</NOM_DE_FAMILLE><DATE_NAISS>01/02/2010</DATE_NAISS>\n"


def test_every_bad_pupil_is_reported_with_its_path_and_line() -> None:
    data = pupils(
        GOOD,
        b"<NOM_DE_FAMILLE>B</NOM_DE_FAMILLE>\n<DATE_NAISS>31/02/2010</DATE_NAISS>\n",
        GOOD,
        b"<PRENOM>C</PRENOM>\n",
    )
    with pytest.raises(FormatErrors) as caught:
        read_bee_eleves(data, filename="ElevesSansAdresses.xml")
    found = [(e.code, e.path, e.line) for e in caught.value.errors]
    assert found == [
        (codes.DATE_INVALIDE, "/BEE_ELEVES/DONNEES/ELEVES/ELEVE[2]/DATE_NAISS", 9),
        (codes.ELEMENT_MANQUANT, "/BEE_ELEVES/DONNEES/ELEVES/ELEVE[4]", 14),
    ]
    assert caught.value.to_problem()["file"] == "ElevesSansAdresses.xml"


def test_unknown_elements_and_any_version_are_accepted() -> None:
    data = pupils(GOOD + b"<NOUVEAU_CHAMP_2030>x</NOUVEAU_CHAMP_2030>\n").replace(
        b"<BEE_ELEVES>", b'<BEE_ELEVES VERSION="9.4">'
    )
    model = read_bee_eleves(data)
    assert model.version == "9.4"
    assert model.donnees.eleves is not None
    assert model.donnees.eleves[0].nom_de_famille == "A"


def test_another_file_given_as_eleves_is_refused_by_its_root() -> None:
    with pytest.raises(FormatError) as caught:
        read_bee_eleves(sample("Progress/Structures.xml"))
    assert caught.value.code == codes.RACINE_INATTENDUE
