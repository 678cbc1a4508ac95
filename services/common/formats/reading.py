"""The generic lenient reader of bound records (see :mod:`.binding`), and of whole documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats import identifiers as ids
from services.common.formats.binding import Binding, Check, Kind, RawElement, plan
from services.common.formats.errors import ErrorCollector, FormatError
from services.common.formats.xmlsafe import (
    element_path,
    expect_root,
    line_of,
    located_error,
    parse_xml,
    source_name,
)

R = TypeVar("R")
Children = dict[str, etree._Element]


def read_document(cls: type[R], data: bytes, *, filename: str, root: str) -> R:
    """Parse ``data`` safely, check its root is ``root`` and read it as a ``cls``.

    Errors of list items (a pupil, a person...) are collected, and raised together as
    :class:`~.errors.FormatErrors` once the whole file has been read.
    """
    tree = parse_xml(data, filename=filename)
    expect_root(tree, root)
    errors = ErrorCollector(file=filename)
    document: R | None = None
    with errors.record():
        document = read_record(cls, tree, errors)
    errors.raise_if_any()
    assert document is not None  # a failed read always leaves an error behind
    return document


def located(elem: etree._Element, check: Check, value: str) -> str:
    """``check(value)``, its error pointed at ``elem``."""
    try:
        return check(value)
    except FormatError as error:
        error.locate(file=source_name(elem), path=element_path(elem), line=line_of(elem))
        raise


def read_record(cls: type[R], elem: etree._Element, errors: ErrorCollector) -> R:
    """Build a ``cls`` from ``elem``; record lists collect their items' errors into ``errors``."""
    first: dict[str, etree._Element] = {}
    for child in elem:
        if isinstance(child.tag, str):
            first.setdefault(child.tag, child)
    values = {name: _READERS[b.kind](b, elem, first, errors) for name, b in plan(cls)}
    return cls(**values)


def _read_text(b: Binding, elem: etree._Element, first: dict[str, etree._Element], _: ErrorCollector) -> Any:
    child = first.get(b.tag)
    if child is None:
        if b.required:
            raise located_error(elem, codes.ELEMENT_MANQUANT, f"élément « {b.tag} » absent.")
        return None
    value = (child.text or "").strip()
    if b.required and not value:
        raise located_error(child, codes.ELEMENT_MANQUANT, f"élément « {b.tag} » vide.")
    return located(child, b.lenient, value) if b.lenient else value


def _read_attribute(
    b: Binding, elem: etree._Element, _: dict[str, etree._Element], __: ErrorCollector
) -> Any:
    value = elem.get(b.tag)
    if value is None or (b.required and not value.strip()):
        if b.required:
            raise located_error(elem, codes.ELEMENT_MANQUANT, f"attribut « {b.tag} » absent ou vide.")
        return None
    return value.strip()


def _read_parsed(parse: Callable[[str], Any]) -> Callable[..., Any]:
    def read(b: Binding, elem: etree._Element, first: dict[str, etree._Element], e: ErrorCollector) -> Any:
        value = _read_text(b, elem, first, e)
        if not value:  # absent, or present but empty: no date is a None date
            return None
        child = first[b.tag]
        try:
            return parse(value)
        except FormatError as error:
            error.locate(file=source_name(child), path=element_path(child), line=line_of(child))
            raise

    return read


def _parse_year(value: str) -> int:
    if len(value) != 4 or not value.isdigit():
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"année « {value} » au lieu de aaaa.")
    return int(value)


def _read_record(
    b: Binding, elem: etree._Element, first: dict[str, etree._Element], e: ErrorCollector
) -> Any:
    child = first.get(b.tag)
    if child is None:
        if b.required:
            raise located_error(elem, codes.ELEMENT_MANQUANT, f"élément « {b.tag} » absent.")
        return None
    assert b.record is not None
    return read_record(b.record, child, e)


def _read_records(
    b: Binding, elem: etree._Element, first: dict[str, etree._Element], e: ErrorCollector
) -> Any:
    container = elem if b.wrapper is None else first.get(b.wrapper)
    if container is None:
        return None
    assert b.record is not None
    items = []
    for child in container.iterchildren(b.tag):
        with e.record():
            items.append(read_record(b.record, child, e))
    return items


def _read_raw(b: Binding, _: etree._Element, first: dict[str, etree._Element], __: ErrorCollector) -> Any:
    child = first.get(b.tag)
    return None if child is None else _raw(child)


def _raw(elem: etree._Element) -> RawElement:
    kids = [_raw(child) for child in elem if isinstance(child.tag, str)]
    attributes = {str(k): str(v) for k, v in elem.attrib.items()}
    return RawElement(tag=str(elem.tag), attributes=attributes, text=(elem.text or "").strip(), children=kids)


_READERS: dict[Kind, Callable[[Binding, etree._Element, dict[str, etree._Element], ErrorCollector], Any]] = {
    "text": _read_text,
    "attribute": _read_attribute,
    "date": _read_parsed(ids.parse_date_fr),
    "datetime": _read_parsed(ids.parse_datetime_fr),
    "year": _read_parsed(_parse_year),
    "record": _read_record,
    "records": _read_records,
    "raw": _read_raw,
}
