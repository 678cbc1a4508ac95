"""Validation against the XSDs we wrote from the reference (``xsd/*.xsd``, strict on child order).

No public XSD exists for these formats: ours describe what our writers emit. See docs/formats.md for
where they are deliberately lax.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, cast

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats.errors import FormatError
from services.common.formats.xmlsafe import parse_xml

XSD_DIR = Path(__file__).resolve().parent / "xsd"
# Every top-level schema of xsd/ (the *_types.xsd files are only included by the others).
SCHEMA_NAMES = tuple(sorted(p.stem for p in XSD_DIR.glob("*.xsd") if not p.stem.endswith("_types")))
_REPORTED_ERRORS = 5


@cache
def schema(name: str) -> etree.XMLSchema:
    """The compiled schema ``xsd/<name>.xsd`` (compiled once; an unknown name is a ValueError)."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"unknown schema {name!r}")
    # Our own files, from the package: includes resolve on disk, never over the network.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{name}.xsd"), parser))


def validate_against_xsd(xml_bytes: bytes, name: str, *, filename: str = "document.xml") -> None:
    """Raise ``xml-non-conforme`` (with the first error's line) unless ``xml_bytes`` satisfies the XSD."""
    root = parse_xml(xml_bytes, filename=filename)
    checker = schema(name)
    if checker.validate(root):
        return
    entries = _entries(checker.error_log)
    detail = " ; ".join(f"ligne {line} : {message}" for line, message in entries[:_REPORTED_ERRORS])
    raise FormatError(code=codes.XML_NON_CONFORME, detail=detail, file=filename, line=entries[0][0])


def _entries(log: object) -> list[tuple[int, str]]:
    # lxml-stubs declare the error log opaque; at run time it iterates over entries with line and message.
    return [(int(entry.line), str(entry.message)) for entry in cast("Iterable[Any]", log)]
