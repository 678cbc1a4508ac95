"""Our XSDs: strict order, identifier shapes, located errors."""

from __future__ import annotations

import pytest

from services.common.formats import errors as codes
from services.common.formats.errors import FormatError
from services.common.formats.schemas import SCHEMA_NAMES, schema, validate_against_xsd

PROLOG = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n'
PARAMETRES = b"<PARAMETRES><UAJ>0310053P</UAJ></PARAMETRES>"


def refused(data: bytes, name: str) -> FormatError:
    with pytest.raises(FormatError) as caught:
        validate_against_xsd(PROLOG + data, name, filename="x.xml")
    assert caught.value.code == codes.XML_NON_CONFORME
    return caught.value


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_compiles_once(name: str) -> None:
    assert schema(name) is schema(name)


def test_an_unknown_schema_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown schema"):
        schema("../etc/passwd")


def test_children_out_of_order_are_refused_with_the_line() -> None:
    eleve = (
        b'<ELEVE ELEVE_ID="1">\n<DATE_NAISS>01/02/2010</DATE_NAISS>\n'
        b"<NOM_DE_FAMILLE>A</NOM_DE_FAMILLE></ELEVE>"
    )
    error = refused(
        b"<BEE_ELEVES>" + PARAMETRES + b"\n<DONNEES><ELEVES>" + eleve + b"</ELEVES></DONNEES></BEE_ELEVES>",
        "bee_eleves",
    )
    assert error.line == 4
    assert "NOM_DE_FAMILLE" in (error.detail or "")


@pytest.mark.parametrize(
    "parametres",
    [
        b"<PARAMETRES><UAJ>031005P</UAJ></PARAMETRES>",
        b"<PARAMETRES><UAJ>0310053P</UAJ><DATE_EXPORT>2017-02-23</DATE_EXPORT></PARAMETRES>",
        b"<PARAMETRES><UAJ>0310053P</UAJ><ANNEE_SCOLAIRE>16</ANNEE_SCOLAIRE></PARAMETRES>",
        b"<PARAMETRES/>",
    ],
    ids=["uai-shape", "iso-date", "two-digit-year", "no-uaj"],
)
def test_header_values_of_the_wrong_shape_are_refused(parametres: bytes) -> None:
    refused(b"<BEE_STRUCTURES>" + parametres + b"<DONNEES/></BEE_STRUCTURES>", "bee_structures")


def test_a_lower_case_division_code_is_refused() -> None:
    division = b'<DONNEES><DIVISIONS><DIVISION CODE_STRUCTURE="4e 1"/></DIVISIONS></DONNEES>'
    refused(b"<BEE_STRUCTURES>" + PARAMETRES + division + b"</BEE_STRUCTURES>", "bee_structures")
