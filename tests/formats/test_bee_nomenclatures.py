"""BEE_NOMENCLATURES: the 430 KB real Nomenclature.xml round trip, generated models, strict writer."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from services.common.formats import errors as codes
from services.common.formats.bee_nomenclatures import (
    BeeNomenclatures,
    Matiere,
    read_bee_nomenclatures,
    write_bee_nomenclatures,
)
from services.common.formats.errors import FormatError
from services.common.formats.schemas import validate_against_xsd
from tests.formats.samples import canonical, sample
from tests.formats.strategies import records

NOMENCLATURE = sample("Progress/Nomenclature.xml")


@pytest.fixture(scope="module")
def model() -> BeeNomenclatures:
    return read_bee_nomenclatures(NOMENCLATURE)


def test_reads_every_section_of_the_real_file(model: BeeNomenclatures) -> None:
    sizes = {name: len(getattr(model.donnees, name) or []) for name in ("mefs", "matieres", "programmes")}
    assert sizes == {"mefs": 95, "matieres": 54, "programmes": 1244}
    assert all(getattr(model.donnees, name) for name in model.donnees.__slots__)


def test_keeps_mef_letters_dates_and_the_open_ended_closing_date(model: BeeNomenclatures) -> None:
    assert model.donnees.mefs is not None
    mef = next(m for m in model.donnees.mefs if m.code_mef == "1031000H11U")
    assert (mef.libelle_edition, mef.date_ouverture) == ("3ème prépa pro ulis", date(2014, 9, 1))
    assert date(9999, 12, 31) in {m.date_fermeture for m in model.donnees.mefs}


def test_local_subjects_keep_their_national_subject(model: BeeNomenclatures) -> None:
    assert model.donnees.matieres is not None
    atelier = next(m for m in model.donnees.matieres if m.code_matiere == "000T00")
    assert atelier.code_matiere_nationale == "009900"


def test_real_file_is_written_back_semantically_identical(model: BeeNomenclatures) -> None:
    assert canonical(write_bee_nomenclatures(model)) == canonical(NOMENCLATURE)


def test_real_file_and_our_output_satisfy_our_xsd(model: BeeNomenclatures) -> None:
    validate_against_xsd(NOMENCLATURE, "bee_nomenclatures")
    validate_against_xsd(write_bee_nomenclatures(model), "bee_nomenclatures")


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records(BeeNomenclatures, max_items=1))
def test_any_valid_model_is_written_valid_and_read_back_equal(generated: BeeNomenclatures) -> None:
    written = write_bee_nomenclatures(generated)
    validate_against_xsd(written, "bee_nomenclatures")
    assert read_bee_nomenclatures(written) == generated


def test_strict_writer_refuses_a_malformed_subject_code() -> None:
    model = read_bee_nomenclatures(NOMENCLATURE)
    assert model.donnees.matieres is not None
    model.donnees.matieres.append(Matiere(code_matiere="ABC"))
    with pytest.raises(FormatError) as caught:
        write_bee_nomenclatures(model)
    assert caught.value.code == codes.CODE_MATIERE_INVALIDE
    assert caught.value.path == "/BEE_NOMENCLATURES/DONNEES/MATIERES/MATIERE/@CODE_MATIERE"
