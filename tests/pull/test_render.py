"""The incremental XML writer gives, piece by piece, the bytes the codecs write for the whole document."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from lxml import etree

from services.common.formats.bee_structures import (
    BeeStructures,
    Division,
    DonneesStructures,
    Groupe,
    write_bee_structures,
)
from services.common.formats.common import Parametres
from services.common.formats.writing import write_record
from services.common.pull.render import JsonPieces, XmlPieces

PARAMETRES = Parametres(
    uaj="0310053P", annee_scolaire=2026, date_export=date(2026, 9, 1), horodatage=datetime(2026, 9, 1, 8, 0)
)


def streamed(document: BeeStructures) -> bytes:
    writer = XmlPieces("BEE_STRUCTURES", {"VERSION": "2.0"})
    pieces = [
        writer.begin(),
        writer.element(write_record(etree.Element("X"), "PARAMETRES", PARAMETRES, False)),
    ]
    sections = (
        ("DIVISIONS", "DIVISION", document.donnees.divisions),
        ("GROUPES", "GROUPE", document.donnees.groupes),
    )
    for container, tag, records in sections:
        pieces.append(writer.goto(("DONNEES", container), keep_leaf=records is not None))
        for record in records or []:
            pieces.append(writer.element(write_record(etree.Element(container), tag, record, False)))
    return b"".join([*pieces, writer.end()])


@pytest.mark.parametrize(
    ("divisions", "groupes"),
    [
        ([Division(code_structure="1 A", libelle_long="Première A — «œ»")], [Groupe(code_structure="1AGL1")]),
        ([], []),  # empty containers: <DIVISIONS/>
        (None, [Groupe(code_structure="G1")]),  # an absent container
        (None, None),  # <DONNEES/>
    ],
)
def test_streamed_xml_is_byte_identical_to_the_codec(
    divisions: list[Division] | None, groupes: list[Groupe] | None
) -> None:
    document = BeeStructures(
        version="2.0", parametres=PARAMETRES, donnees=DonneesStructures(divisions=divisions, groupes=groupes)
    )

    assert streamed(document) == write_bee_structures(document, strict=False)


def test_json_pieces_nest_objects_and_lists() -> None:
    writer = JsonPieces({"version": "1"})
    pieces = [
        writer.begin(),
        writer.goto(("a", "b")),
        writer.item(1),
        writer.item(2),
        writer.goto(("a", "c")),
    ]
    pieces += [writer.goto(("d",)), writer.item({"x": "é"}), writer.end()]

    assert b"".join(pieces).decode() == '{"version":"1","a":{"b":[1,2],"c":[]},"d":[{"x":"é"}]}'
