"""FormatError: stable codes, French titles, location in the problem body, collected record errors."""

from __future__ import annotations

import pytest

from services.common.errors import DomainError, InvalidInput
from services.common.formats import errors as codes
from services.common.formats.errors import ErrorCollector, FileTooLarge, FormatError, FormatErrors


def test_location_fields_reach_the_problem_body() -> None:
    error = FormatError(code=codes.DATE_INVALIDE, detail="31/02/2017", file="E.xml", path="/A/B[2]", line=7)
    problem = error.to_problem()
    assert isinstance(error, InvalidInput)
    assert problem["status"] == 400
    assert problem["code"] == "date-invalide"
    assert problem["title"] == codes.TITLES[codes.DATE_INVALIDE]
    assert (problem["file"], problem["path"], problem["line"]) == ("E.xml", "/A/B[2]", 7)


def test_unknown_location_is_left_out_and_filled_in_later_without_overwriting() -> None:
    error = FormatError(code=codes.UAI_INVALIDE, path="/A/UAJ")
    assert "file" not in error.to_problem()
    error.locate(file="A.xml", path="/other")
    assert (error.file, error.path) == ("A.xml", "/A/UAJ")
    assert error.to_problem()["file"] == "A.xml"


def test_a_problem_received_over_the_bus_keeps_its_location() -> None:
    problem = FormatError(code=codes.XML_MAL_FORME, file="A.xml", line=3).to_problem()
    rebuilt = DomainError.from_problem(problem)
    assert (rebuilt.code, rebuilt.extensions["line"]) == ("xml-mal-forme", 3)


def test_file_too_large_is_a_413_format_error() -> None:
    error = FileTooLarge(file="big.xml")
    assert isinstance(error, FormatError)
    assert error.to_problem()["status"] == 413
    assert error.code == "fichier-trop-volumineux"


def test_every_code_has_a_french_title() -> None:
    constants = {v for k, v in vars(codes).items() if k.isupper() and isinstance(v, str) and "-" in v}
    assert constants <= set(codes.TITLES)


def raise_date_error(path: str) -> None:
    raise FormatError(code=codes.DATE_INVALIDE, path=path)


def test_collector_keeps_reading_after_a_bad_record_and_reports_all() -> None:
    collector = ErrorCollector(file="E.xml")
    for path in ("/E[1]", "/E[2]"):
        with collector.record():
            raise_date_error(path)
    with pytest.raises(FormatErrors) as caught:
        collector.raise_if_any()
    problem = caught.value.to_problem()
    assert [e["path"] for e in problem["errors"]] == ["/E[1]", "/E[2]"]
    assert problem["file"] == "E.xml"
    assert problem["truncated"] is False


def test_collector_raises_a_lone_error_as_itself() -> None:
    collector = ErrorCollector(file="E.xml")
    with collector.record():
        raise_date_error("/E")
    with pytest.raises(FormatError) as caught:
        collector.raise_if_any()
    assert not isinstance(caught.value, FormatErrors)
    assert (caught.value.code, caught.value.file) == (codes.DATE_INVALIDE, "E.xml")


def fail_in(collector: ErrorCollector) -> None:
    with collector.record():
        raise FormatError()


def test_collector_stops_at_its_limit() -> None:
    collector = ErrorCollector(limit=3)
    fail_in(collector)
    fail_in(collector)
    with pytest.raises(FormatErrors) as caught:
        fail_in(collector)
    assert len(caught.value.errors) == 3
    assert caught.value.truncated


def raise_key_error() -> None:
    raise KeyError("a bug, not a bad record")


def test_collector_does_not_swallow_other_exceptions() -> None:
    collector = ErrorCollector()
    with pytest.raises(KeyError), collector.record():
        raise_key_error()
