"""The shape of what we write: prolog, ISO-8859-15, indentation, line ends, character references."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given

from services.common.formats import errors as codes
from services.common.formats import xmlwrite
from services.common.formats.errors import FormatError
from services.common.formats.xmlsafe import parse_xml, text
from tests.formats.strategies import texts


def document(value: str | None = "x", *, crlf: bool = False) -> bytes:
    root = xmlwrite.element("BEE_X", {"VERSION": "2.1", "ABSENT": None})
    params = xmlwrite.node(root, "PARAMETRES")
    xmlwrite.sub(params, "NOM", value)
    xmlwrite.sub(params, "VIDE", "")
    xmlwrite.sub(params, "AUCUN", None)
    xmlwrite.sub_date(params, "DATE_FR", date(2017, 2, 3))
    xmlwrite.sub_date(params, "DATE_ISO", date(2017, 2, 3), iso=True)
    return xmlwrite.serialize(root, crlf=crlf)


def test_writes_the_ministry_prolog_lf_and_two_space_indentation() -> None:
    assert document("Élève").decode("iso-8859-15") == (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n'
        '<BEE_X VERSION="2.1">\n'
        "  <PARAMETRES>\n"
        "    <NOM>Élève</NOM>\n"
        "    <VIDE/>\n"
        "    <DATE_FR>03/02/2017</DATE_FR>\n"
        "    <DATE_ISO>2017-02-03</DATE_ISO>\n"
        "  </PARAMETRES>\n"
        "</BEE_X>\n"
    )


def test_crlf_mode_ends_every_line_with_crlf() -> None:
    data = document(crlf=True)
    assert data.count(b"\r\n") == data.count(b"\n") == 9


def test_latin9_characters_are_written_as_single_bytes() -> None:
    assert b"<NOM>\xa4 \xbd</NOM>" in document("€ œ")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Łukasz", b"&#321;ukasz"),
        ("Zoë 😀", b"Zo\xeb &#128512;"),
        ("Nguyễn", b"Nguy&#7877;n"),
        ("cr\rhere", b"cr&#13;here"),
    ],
)
def test_characters_outside_latin9_survive_as_character_references(value: str, written: bytes) -> None:
    data = document(value)
    assert written in data
    params = parse_xml(data, filename="w.xml").find("PARAMETRES")
    assert params is not None
    assert text(params, "NOM") == value


@given(texts())
def test_any_xml_text_round_trips_through_latin9(value: str) -> None:
    params = parse_xml(document(value), filename="w.xml").find("PARAMETRES")
    assert params is not None
    assert text(params, "NOM") == value


def test_control_characters_xml_cannot_carry_are_refused_with_their_path() -> None:
    with pytest.raises(FormatError) as caught:
        document("bell\x07")
    assert caught.value.code == codes.VALEUR_INVALIDE
    assert caught.value.path == "/BEE_X/PARAMETRES/NOM"
