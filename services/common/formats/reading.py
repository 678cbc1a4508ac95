"""The generic lenient reader of bound records (see :mod:`.binding`), and of whole documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats import identifiers as ids
from services.common.formats.binding import Binding, Kind, RawElement, plan
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
Children = dict[str, etree._Element]  # the first child of each tag
Reader = Callable[[Binding, etree._Element, Children, ErrorCollector], Any]


def read_document(cls: type[R], data: bytes, *, filename: str, root: str) -> R:
    """Parse ``data`` safely (:func:`.xmlsafe.parse_xml`), check its root is ``root``, read a ``cls``.

    Errors of list items (a pupil, a person...) are collected, and raised together as
    :class:`~.errors.FormatErrors` once the whole file has been read.
    """
    return read_tree(cls, parse_xml(data, filename=filename), root=root)


def read_tree(cls: type[R], tree: etree._Element, *, root: str) -> R:
    """Like :func:`read_document`, for a root element already parsed by :func:`.xmlsafe.parse_xml`."""
    expect_root(tree, root)
    errors = ErrorCollector(file=source_name(tree))
    document: R | None = None
    with errors.record():
        document = read_record(cls, tree, errors)
    errors.raise_if_any()
    assert document is not None  # a failed read always leaves an error behind
    return document


def read_record(cls: type[R], elem: etree._Element, errors: ErrorCollector) -> R:
    """Build a ``cls`` from ``elem``; record lists collect their items' errors into ``errors``."""
    first: Children = {}
    for child in elem:
        if isinstance(child.tag, str):  # skip comments and PIs of trees not parsed by parse_xml
            first.setdefault(child.tag, child)
    values = {name: _READERS[b.kind](b, elem, first, errors) for name, b in plan(cls)}
    return cls(**values)


def _located(elem: etree._Element, check: Callable[[str], Any], value: str) -> Any:
    try:
        return check(value)
    except FormatError as error:
        error.locate(file=source_name(elem), path=element_path(elem), line=line_of(elem))
        raise


def _missing(elem: etree._Element, what: str) -> FormatError:
    return located_error(elem, codes.ELEMENT_MANQUANT, f"{what} absent ou vide.")


def _read_text(b: Binding, elem: etree._Element, first: Children, _: ErrorCollector) -> Any:
    child = first.get(b.tag)
    if child is None:
        if b.required:
            raise _missing(elem, f"élément « {b.tag} »")
        return None
    value = (child.text or "").strip()
    if b.required and not value:
        raise _missing(child, f"élément « {b.tag} »")
    return _located(child, b.lenient, value) if b.lenient else value


def _read_attribute(b: Binding, elem: etree._Element, _: Children, __: ErrorCollector) -> Any:
    value = (elem.get(b.tag) or "").strip()
    if b.required and not value:
        raise _missing(elem, f"attribut « {b.tag} »")
    return value if b.tag in elem.attrib else None


def _parsed(parse: Callable[[str], Any]) -> Reader:
    def read(b: Binding, elem: etree._Element, first: Children, errors: ErrorCollector) -> Any:
        value = _read_text(b, elem, first, errors)
        # An empty <DATE_X/> holds no date: None, like an absent one.
        return _located(first[b.tag], parse, value) if value else None

    return read


def _parse_year(value: str) -> int:
    if len(value) != 4 or not value.isdigit():
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"année « {value} » au lieu de aaaa.")
    return int(value)


def _read_record(b: Binding, elem: etree._Element, first: Children, errors: ErrorCollector) -> Any:
    child = first.get(b.tag)
    if child is None:
        if b.required:
            raise _missing(elem, f"élément « {b.tag} »")
        return None
    assert b.record is not None
    return read_record(b.record, child, errors)


def _read_records(b: Binding, elem: etree._Element, first: Children, errors: ErrorCollector) -> Any:
    container = elem if b.wrapper is None else first.get(b.wrapper)
    if container is None:
        return None
    assert b.record is not None
    items = []
    for child in container.iterchildren(b.tag):
        with errors.record():  # a bad item is reported, and the next ones still read
            items.append(read_record(b.record, child, errors))
    return items


def _read_raw(b: Binding, _: etree._Element, first: Children, __: ErrorCollector) -> Any:
    child = first.get(b.tag)
    return None if child is None else _raw(child)


def _raw(elem: etree._Element) -> RawElement:
    kids = [_raw(child) for child in elem if isinstance(child.tag, str)]
    attributes = {str(k): str(v) for k, v in elem.attrib.items()}
    return RawElement(tag=str(elem.tag), attributes=attributes, text=(elem.text or "").strip(), children=kids)


_READERS: dict[Kind, Reader] = {
    "text": _read_text,
    "attribute": _read_attribute,
    "date": _parsed(ids.parse_date_fr),
    "datetime": _parsed(ids.parse_datetime_fr),
    "year": _parsed(_parse_year),
    "record": _read_record,
    "records": _read_records,
    "raw": _read_raw,
}
