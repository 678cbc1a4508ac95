"""Building and serialising the files we emit, shaped like the ministry's own exports.

Output is ISO-8859-15 with exactly the prolog ``<?xml version="1.0" encoding="ISO-8859-15"?>``, LF line
ends (CRLF on request, as Communs.xml) and two-space indentation. A character outside ISO-8859-15
(``Ł``, an emoji) is written as a numeric character reference, never as ``?``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats.errors import FormatError
from services.common.formats.identifiers import format_date_fr, format_date_iso
from services.common.formats.xmlsafe import looks_like_utf8

ENCODING = "ISO-8859-15"
PROLOG = b'<?xml version="1.0" encoding="ISO-8859-15"?>'


def element(tag: str, attrib: Mapping[str, str | None] | None = None) -> etree._Element:
    """A new root element; attributes whose value is None are left out."""
    root = etree.Element(tag)
    set_attributes(root, attrib)
    return root


def node(parent: etree._Element, tag: str, attrib: Mapping[str, str | None] | None = None) -> etree._Element:
    """Append a container element (always written); attributes whose value is None are left out."""
    child = etree.SubElement(parent, tag)
    set_attributes(child, attrib)
    return child


def sub(parent: etree._Element, tag: str, value: str | None) -> etree._Element | None:
    """Append ``<tag>value</tag>``; None leaves the element out, ``""`` writes ``<tag/>``."""
    if value is None:
        return None
    child = etree.SubElement(parent, tag)
    if not value:
        return child  # lxml would write "" as <tag></tag>; the house shape is <tag/>
    try:
        child.text = value
    except ValueError:
        parent.remove(child)
        raise _unwritable(parent, tag, value) from None
    return child


def sub_date(parent: etree._Element, tag: str, value: date | None, *, iso: bool = False) -> None:
    """Append a date as ``dd/mm/yyyy`` (BEE files) or ``yyyy-mm-dd`` (``iso``: STS and EDT files)."""
    if value is not None:
        sub(parent, tag, format_date_iso(value) if iso else format_date_fr(value))


def serialize(root: etree._Element, *, crlf: bool = False) -> bytes:
    """The document as ISO-8859-15 bytes with the ministry's prolog, indented by two spaces."""
    etree.indent(root, space="  ")
    # Encoded by Python, not libxml2: through iconv, libxml2 silently drops some characters (the Unicode
    # tag characters of flag emoji), where xmlcharrefreplace writes every one as a reference.
    text = etree.tostring(root, encoding="unicode")
    body = text.encode(ENCODING, "xmlcharrefreplace")
    if looks_like_utf8(body):
        # Rare bytes such as "Ã©" would make readers (ours included) take the file for mislabelled
        # UTF-8: write every non-ASCII character as a reference instead, still valid ISO-8859-15.
        body = text.encode("ascii", "xmlcharrefreplace")
    document = PROLOG + b"\n" + body + b"\n"
    # Text never holds a raw CR (lxml writes it as &#13;), so this only touches line ends.
    return document.replace(b"\n", b"\r\n") if crlf else document


def set_attributes(elem: etree._Element, attrib: Mapping[str, str | None] | None) -> None:
    """Set the attributes whose value is not None (a control character is ``valeur-invalide``)."""
    for name, value in (attrib or {}).items():
        if value is None:
            continue
        try:
            elem.set(name, value)
        except ValueError:
            raise _unwritable(elem, f"@{name}", value) from None


def _unwritable(parent: etree._Element, tag: str, value: str) -> FormatError:
    # lxml refuses control characters that XML 1.0 cannot carry at all, even as references.
    path = f"{parent.getroottree().getpath(parent)}/{tag}"
    detail = f"caractère interdit en XML dans {value!r}."
    return FormatError(code=codes.VALEUR_INVALIDE, detail=detail, path=path)
