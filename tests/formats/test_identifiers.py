"""UAI, INE, MEF, subject and structure codes; dates and hhmm times."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.formats import errors as codes
from services.common.formats import identifiers as ids
from services.common.formats.errors import FormatError
from tests.formats.strategies import codes_structure, ines, ines_bea, uais


@pytest.mark.parametrize("uai", ["0310053P", "0332490C", "0750702F", "0021593W", "0750677D"])
def test_accepts_real_uais(uai: str) -> None:
    assert ids.check_uai(uai) == uai


@pytest.mark.parametrize("uai", ["0750001A", "0310053p", "031005P", "03100530P", "", " 0310053P", "A310053P"])
def test_refuses_malformed_uais_and_wrong_check_letters(uai: str) -> None:
    with pytest.raises(FormatError) as caught:
        ids.check_uai(uai)
    assert caught.value.code == codes.UAI_INVALIDE
    assert not ids.is_valid_uai(uai)


def test_check_letter_of_the_third_party_example_is_u() -> None:
    assert ids.check_letter("0750001") == "U"


@given(uais(), st.sampled_from(ids.CHECK_LETTERS))
def test_a_generated_uai_is_valid_and_any_other_letter_is_refused(uai: str, letter: str) -> None:
    assert ids.is_valid_uai(uai)
    if letter != uai[7]:
        assert not ids.is_valid_uai(uai[:7] + letter)


@given(ines_bea(), st.sampled_from(ids.CHECK_LETTERS))
def test_a_generated_bea_ine_is_valid_and_any_other_letter_is_refused(ine: str, letter: str) -> None:
    assert ids.ine_kind(ine) == "bea"
    if letter != ine[10]:
        with pytest.raises(FormatError) as caught:
            ids.check_ine(ine[:10] + letter)
        assert caught.value.code == codes.INE_INVALIDE


@given(ines())
def test_every_generated_ine_form_is_accepted(ine: str) -> None:
    assert ids.check_ine(ine) == ine


@pytest.mark.parametrize(
    ("ine", "kind"),
    [("123456789AB", "rnie"), ("1234A12345K", "apprentissage"), ("00000000123", None), ("1234567890", None)],
)
def test_recognises_the_three_ine_forms_by_shape(ine: str, kind: str | None) -> None:
    assert ids.ine_kind(ine) == kind


@pytest.mark.parametrize("mef", ["99999999999", "1001000B11A", "1031000H11U"])
def test_accepts_alphanumeric_mefs(mef: str) -> None:
    assert ids.check_mef(mef) == mef


@pytest.mark.parametrize("mef", ["123456789", "1001000b11a", "100100 B11A", "123456789012"])
def test_refuses_mefs_that_are_not_11_upper_alphanumerics(mef: str) -> None:
    with pytest.raises(FormatError) as caught:
        ids.check_mef(mef)
    assert caught.value.code == codes.MEF_INVALIDE


@pytest.mark.parametrize(
    ("code", "valid"), [("030201", True), ("000T00", True), ("0302011", False), ("03A2B1", False)]
)
def test_subject_codes_are_six_digits_or_a_letter_in_fourth_place(code: str, valid: bool) -> None:
    assert ids.is_valid_code_matiere(code) is valid


@pytest.mark.parametrize("code", ["1 BTMS", "1C PROEL", "3 AVSPRO", "TEPSLUMA", "A", "1AGL1GR1", "T-S_1"])
def test_writes_structure_codes_seen_in_real_files(code: str) -> None:
    assert ids.check_code_structure(code) == code


@pytest.mark.parametrize("code", ["4e 1", "Inactifs", "123456789", " 1A", "1A ", "", "A/B"])
def test_refuses_to_write_structure_codes_outside_the_strict_set(code: str) -> None:
    with pytest.raises(FormatError) as caught:
        ids.check_code_structure(code)
    assert caught.value.code == codes.CODE_STRUCTURE_INVALIDE


@pytest.mark.parametrize("code", ["4e 1", "Inactifs", "A/B", "TRES LONG CODE"])
def test_reads_structure_codes_as_they_are(code: str) -> None:
    assert ids.read_code_structure(code) == code


@pytest.mark.parametrize("code", ["", "   ", "X" * 65])
def test_refuses_to_read_empty_or_absurdly_long_structure_codes(code: str) -> None:
    with pytest.raises(FormatError):
        ids.read_code_structure(code)


@given(codes_structure())
def test_every_writable_structure_code_is_also_readable(code: str) -> None:
    assert ids.read_code_structure(ids.check_code_structure(code)) == code


@pytest.mark.parametrize(
    ("digits", "departement"), [("0310053", "031"), ("6200001", "620"), ("9710001", "971")]
)
def test_departement_is_the_uai_prefix_including_corsica_and_overseas(digits: str, departement: str) -> None:
    assert ids.departement_of_uai(digits + ids.check_letter(digits)) == departement


def test_departement_of_an_invalid_uai_is_refused() -> None:
    with pytest.raises(FormatError):
        ids.departement_of_uai("0750001A")


@given(st.dates(min_value=date(1, 1, 1)))
def test_french_and_iso_dates_round_trip(day: date) -> None:
    assert ids.parse_date_fr(ids.format_date_fr(day)) == day
    assert ids.parse_date_iso(ids.format_date_iso(day)) == day


@pytest.mark.parametrize(
    "value", ["31/02/2017", "2017-02-23", "1/2/2017", "23/02/17", " 23/02/2017", "00/01/2017"]
)
def test_refuses_impossible_or_misshapen_french_dates(value: str) -> None:
    with pytest.raises(FormatError) as caught:
        ids.parse_date_fr(value)
    assert caught.value.code == codes.DATE_INVALIDE


def test_reads_the_export_time_stamp() -> None:
    assert ids.parse_datetime_fr("23/02/2017 15:42:52") == datetime(2017, 2, 23, 15, 42, 52)
    assert ids.format_datetime_fr(datetime(2017, 2, 3, 5, 4, 2)) == "03/02/2017 05:04:02"


def test_reads_hhmm_times_and_durations() -> None:
    assert ids.parse_hhmm("0830") == time(8, 30)
    assert ids.format_hhmm(time(14, 5)) == "1405"
    assert ids.parse_hhmm_duration("0100") == timedelta(hours=1)
    assert ids.format_hhmm_duration(timedelta(minutes=90)) == "0130"


@pytest.mark.parametrize("value", ["2400", "0860", "830", "08h30"])
def test_refuses_impossible_times(value: str) -> None:
    with pytest.raises(FormatError) as caught:
        ids.parse_hhmm(value)
    assert caught.value.code == codes.VALEUR_INVALIDE
