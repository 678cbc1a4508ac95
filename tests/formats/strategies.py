"""Hypothesis strategies: valid identifiers, and whole records built from their binding plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hypothesis import strategies as st

from services.common.formats import identifiers as ids
from services.common.formats.binding import Binding, RawElement, plan

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@st.composite
def uais(draw: st.DrawFn) -> str:
    digits = draw(st.text(DIGITS, min_size=7, max_size=7))
    return digits + ids.check_letter(digits)


@st.composite
def ines_bea(draw: st.DrawFn) -> str:
    digits = draw(st.text(DIGITS, min_size=10, max_size=10))
    return digits + ids.check_letter(digits)


def ines() -> st.SearchStrategy[str]:
    """Any valid INE: BEA (with its check letter), RNIE or apprenticeship."""
    rnie = st.from_regex(r"\A[0-9]{9}[A-Z]{2}\Z")
    apprentissage = st.from_regex(r"\A[0-9]{4}A[0-9]{5}[A-Z]\Z")
    return st.one_of(ines_bea(), rnie, apprentissage)


def mefs() -> st.SearchStrategy[str]:
    return st.text(DIGITS + UPPER, min_size=11, max_size=11)


def codes_matiere() -> st.SearchStrategy[str]:
    return st.from_regex(r"\A[0-9]{3}[0-9A-Z][0-9]{2}\Z")


def codes_structure() -> st.SearchStrategy[str]:
    return st.from_regex(r"\A[A-Z0-9_-]([A-Z0-9 _-]{0,6}[A-Z0-9_-])?\Z")


def texts(*, min_size: int = 0) -> st.SearchStrategy[str]:
    """Text an XML 1.0 file can hold, outside ISO-8859-15 too (Ł, emoji), as readers see it: stripped."""
    characters = st.characters(blacklist_categories=("Cc", "Cs", "Cn"))
    return st.text(characters, max_size=12).map(str.strip).filter(lambda s: len(s) >= min_size)


_BY_CHECK: dict[Any, st.SearchStrategy[str]] = {
    ids.check_uai: uais(),
    ids.check_ine: ines(),
    ids.check_mef: mefs(),
    ids.check_code_matiere: codes_matiere(),
    ids.check_code_structure: codes_structure(),
}


def records(cls: type[Any], *, max_items: int = 2) -> st.SearchStrategy[Any]:
    """Valid instances of a bound record class, optional fields sometimes None, lists of 0..max_items."""
    fields = {name: _field(b, max_items) for name, b in plan(cls)}
    return st.builds(cls, **fields)


def _field(b: Binding, max_items: int) -> st.SearchStrategy[Any]:
    value = _value(b, max_items)
    if b.required:
        return value
    if b.kind == "records" and b.wrapper is None:
        return value
    return st.none() | value


def _value(b: Binding, max_items: int) -> st.SearchStrategy[Any]:
    if b.kind in ("text", "attribute"):
        return _BY_CHECK.get(b.check, texts(min_size=1 if b.required else 0))
    if b.kind == "date":
        return st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31))
    if b.kind == "datetime":
        return st.datetimes(min_value=datetime(1990, 1, 1)).map(lambda d: d.replace(microsecond=0))
    if b.kind == "year":
        return st.integers(min_value=1000, max_value=9999)
    if b.kind == "raw":
        child = st.builds(RawElement, tag=st.sampled_from(["PERIODE", "DATE_DEBUT"]), text=texts())
        return st.builds(RawElement, tag=st.just(b.tag), children=st.lists(child, max_size=2))
    record_class = b.record
    assert record_class is not None
    nested = st.deferred(lambda: records(record_class, max_items=max_items))
    return nested if b.kind == "record" else st.lists(nested, max_size=max_items)
