"""BEE_RESPONSABLES: generated files and the shape of the links."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from services.common.formats import errors as codes
from services.common.formats.bee_responsables import (
    BeeResponsables,
    read_bee_responsables,
    write_bee_responsables,
)
from services.common.formats.errors import FormatError
from services.common.formats.schemas import validate_against_xsd
from tests.formats.strategies import records

FILE = b"""<?xml version="1.0" encoding="ISO-8859-15"?>
<BEE_RESPONSABLES VERSION="1.9">
  <PARAMETRES><UAJ>0310053P</UAJ><ANNEE_SCOLAIRE>2016</ANNEE_SCOLAIRE></PARAMETRES>
  <DONNEES>
    <PERSONNES>
      <PERSONNE PERSONNE_ID="0001234">
        <LC_CIVILITE>MME</LC_CIVILITE><NOM_DE_FAMILLE>MARTIN</NOM_DE_FAMILLE><PRENOM>Z\xe9lie</PRENOM>
        <ADRESSE_ID>0004321</ADRESSE_ID>
      </PERSONNE>
    </PERSONNES>
    <RESPONSABLES>
      <RESPONSABLE_ELEVE>
        <ELEVE_ID>123456</ELEVE_ID><PERSONNE_ID>0001234</PERSONNE_ID><RESP_LEGAL>1</RESP_LEGAL>
        <CODE_PARENTE>20</CODE_PARENTE><PERS_PAIMENT>1</PERS_PAIMENT>
      </RESPONSABLE_ELEVE>
    </RESPONSABLES>
    <ADRESSES>
      <ADRESSE ADRESSE_ID="0004321"><LIGNE1_ADRESSE>1 RUE DU PORT</LIGNE1_ADRESSE><LIGNE2_ADRESSE/></ADRESSE>
    </ADRESSES>
  </DONNEES>
</BEE_RESPONSABLES>
"""


def test_reads_people_links_and_addresses() -> None:
    model = read_bee_responsables(FILE)
    assert model.donnees.personnes
    assert model.donnees.responsables
    assert model.donnees.adresses
    person, link, address = (
        model.donnees.personnes[0],
        model.donnees.responsables[0],
        model.donnees.adresses[0],
    )
    assert (person.personne_id, person.prenom, person.adresse_id) == ("0001234", "Zélie", "0004321")
    assert (link.eleve_id, link.personne_id, link.resp_legal) == ("123456", "0001234", "1")
    assert (address.ligne1_adresse, address.ligne2_adresse, address.ligne3_adresse) == (
        "1 RUE DU PORT",
        "",
        None,
    )


def test_a_link_without_its_pupil_is_refused() -> None:
    with pytest.raises(FormatError) as caught:
        read_bee_responsables(FILE.replace(b"<ELEVE_ID>123456</ELEVE_ID>", b""))
    assert caught.value.code == codes.ELEMENT_MANQUANT
    assert caught.value.path == "/BEE_RESPONSABLES/DONNEES/RESPONSABLES/RESPONSABLE_ELEVE"


def test_our_output_satisfies_our_xsd() -> None:
    validate_against_xsd(write_bee_responsables(read_bee_responsables(FILE)), "bee_responsables")


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(records(BeeResponsables))
def test_any_valid_model_is_written_valid_and_read_back_equal(model: BeeResponsables) -> None:
    written = write_bee_responsables(model)
    validate_against_xsd(written, "bee_responsables")
    assert read_bee_responsables(written) == model
