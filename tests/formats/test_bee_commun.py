"""BEE_COMMUN: the real Communs.xml (CRLF), generated models."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from services.common.formats.bee_commun import BeeCommun, read_bee_commun, write_bee_commun
from services.common.formats.schemas import validate_against_xsd
from tests.formats.samples import canonical, sample
from tests.formats.strategies import records

COMMUNS = sample("Progress/Communs.xml")


def test_reads_the_school_identity_and_year_dates() -> None:
    model = read_bee_commun(COMMUNS)
    assert model.version == "1.7"
    assert model.donnees.uaj is not None
    assert model.donnees.annee_scolaire is not None
    assert (model.donnees.uaj.denom_princ, model.donnees.uaj.denom_compl) == ("Lycée Urbain VITRY", "")
    assert model.donnees.annee_scolaire.date_fin_eleve == date(2017, 9, 3)
    assert model.donnees.periodes_pedagogiques is not None
    assert model.donnees.periodes_pedagogiques.children == []


def test_real_file_is_written_back_semantically_identical_with_crlf() -> None:
    written = write_bee_commun(read_bee_commun(COMMUNS))
    assert canonical(written) == canonical(COMMUNS)
    assert written.count(b"\n") == written.count(b"\r\n") > 40


def test_real_file_and_our_output_satisfy_our_xsd() -> None:
    validate_against_xsd(COMMUNS, "bee_commun")
    validate_against_xsd(write_bee_commun(read_bee_commun(COMMUNS)), "bee_commun")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(records(BeeCommun))
def test_any_valid_model_is_written_valid_and_read_back_equal(model: BeeCommun) -> None:
    written = write_bee_commun(model)
    validate_against_xsd(written, "bee_commun")
    assert read_bee_commun(written) == model
