"""The generic strict writer of bound records (see :mod:`.binding`), and of whole documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from lxml import etree

from services.common.formats import identifiers as ids
from services.common.formats import xmlwrite
from services.common.formats.binding import Binding, Kind, RawElement, plan
from services.common.formats.errors import FormatError


def write_document(root: str, document: object, *, strict: bool = True, crlf: bool = False) -> bytes:
    """Serialise ``document`` as a file whose root element is ``root``.

    ``strict`` (the default) checks every identifier written; pass False only to re-emit, unchanged,
    a file received from SIECLE (whose identifiers are its own business, e.g. a test fixture's UAI).
    """
    tree = xmlwrite.element(root)
    xmlwrite.set_attributes(tree, _attributes(document, tree, "", strict))
    _write_children(tree, document, strict)
    return xmlwrite.serialize(tree, crlf=crlf)


def write_record(parent: etree._Element, tag: str, record: object, strict: bool) -> etree._Element:
    """Append ``record`` as ``<tag>`` under ``parent``, children in declared order."""
    elem = xmlwrite.node(parent, tag, _attributes(record, parent, tag, strict))
    _write_children(elem, record, strict)
    return elem


def _attributes(record: object, parent: etree._Element, tag: str, strict: bool) -> dict[str, str | None]:
    return {
        b.tag: _checked(b, getattr(record, name), strict, parent, f"{tag}/@{b.tag}" if tag else f"@{b.tag}")
        for name, b in plan(type(record))
        if b.kind == "attribute"
    }


def _write_children(elem: etree._Element, record: object, strict: bool) -> None:
    for name, b in plan(type(record)):
        if b.kind != "attribute":
            _WRITERS[b.kind](elem, b, getattr(record, name), strict)


def _checked(
    b: Binding, value: str | None, strict: bool, parent: etree._Element, relative: str
) -> str | None:
    if value is None or not strict or b.check is None:
        return value
    try:
        return b.check(value)
    except FormatError as error:
        # The path is only worked out on failure: getpath() on every value made writing 5 times slower.
        error.locate(path=f"{parent.getroottree().getpath(parent)}/{relative}")
        raise


def _write_text(elem: etree._Element, b: Binding, value: str | None, strict: bool) -> None:
    xmlwrite.sub(elem, b.tag, _checked(b, value, strict, elem, b.tag))


def _write_date(elem: etree._Element, b: Binding, value: date | None, _: bool) -> None:
    xmlwrite.sub_date(elem, b.tag, value)


def _write_datetime(elem: etree._Element, b: Binding, value: datetime | None, _: bool) -> None:
    xmlwrite.sub(elem, b.tag, None if value is None else ids.format_datetime_fr(value))


def _write_year(elem: etree._Element, b: Binding, value: int | None, _: bool) -> None:
    xmlwrite.sub(elem, b.tag, None if value is None else f"{value:04d}")


def _write_record(elem: etree._Element, b: Binding, value: object | None, strict: bool) -> None:
    if value is not None:
        write_record(elem, b.tag, value, strict)


def _write_records(elem: etree._Element, b: Binding, value: list[object] | None, strict: bool) -> None:
    if value is None:
        return
    container = elem if b.wrapper is None else xmlwrite.node(elem, b.wrapper)
    for item in value:
        write_record(container, b.tag, item, strict)


def _write_raw(elem: etree._Element, b: Binding, value: RawElement | None, _: bool) -> None:
    if value is not None:
        _append_raw(elem, value, b.tag)  # the field decides the tag; the raw element, its content


def _append_raw(parent: etree._Element, raw: RawElement, tag: str) -> None:
    elem = xmlwrite.node(parent, tag, dict(raw.attributes))
    if raw.text:
        elem.text = raw.text
    for child in raw.children:
        _append_raw(elem, child, child.tag)


_WRITERS: dict[Kind, Callable[[etree._Element, Binding, Any, bool], None]] = {
    "text": _write_text,
    "date": _write_date,
    "datetime": _write_datetime,
    "year": _write_year,
    "record": _write_record,
    "records": _write_records,
    "raw": _write_raw,
}
