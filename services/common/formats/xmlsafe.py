"""Hardened XML parsing and the small lenient reading helpers every codec uses.

Files come from schools, editors and the ministry's software, i.e. from outside. :func:`prepare` does
what must happen before any parser sees the bytes, :func:`hardened_parser` is the only parser
configuration untrusted bytes ever meet, and :func:`parse_xml` chains them. The layers, each enough on
its own to stop an entity or DTD from being fetched, and each tested on its own in
``tests/formats/test_xmlsafe.py``:

1. the size is capped before anything else;
2. the encoding is settled first: a byte-order mark is removed (UTF-16 is transcoded to UTF-8, UTF-32 and
   any encoding outside the few SIECLE files use are refused), NUL bytes are refused (they are not XML,
   and they are how libxml2 would guess UTF-16 or UCS-4 on its own), and the encoding found is then
   *imposed* on libxml2, so the parser reads exactly the characters the checks below read;
3. the prolog of those bytes is scanned, and any markup declaration (``<!DOCTYPE``, ``<!ENTITY``…) before
   the root is refused: no entity expansion, no external entity, no DTD can follow;
4. the parser resolves no entity, loads no DTD and no external subset, never uses the network, and its
   resolver refuses every URL libxml2 might still ask for (``file:``, ``http:``, anything);
5. after parsing, a document that still declares a DTD is refused.

The nesting depth is capped, and a file declared in one encoding must really be written in it. Never
pass ``collect_ids=False`` to an lxml parser: lxml sets it through libxml2's ``loadsubset`` field, which
libxml2 then reads as "load external parameter entities" (that is how a ``%p;`` pointing at
``file:///dev/zero`` pinned the gateway).
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

from lxml import etree

from services.common.formats import errors as codes
from services.common.formats.errors import FileTooLarge, FormatError

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_PER_ELEMENT = 100_000
"""The most elements of one name :func:`scan_xml` lets through unless told otherwise (the largest lycée's
timetable has a few thousand ``COURS``; its links file a few tens of thousands of ``GROUPE``)."""
_SCAN_CHUNK = 64 * 1024

_DECLARATION = re.compile(rb"<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_BOMS = (
    # UTF-32 first: its little-endian mark starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SINGLE_BYTE_LATIN = {"iso8859_1", "iso8859_15", "cp1252"}
# Python codec name -> the name imposed on libxml2. Nothing else reaches the parser: an encoding such as
# UTF-7 or EBCDIC would let markup hide from the byte-level checks.
_LIBXML2_NAMES = {
    "utf_8": "UTF-8",
    "ascii": "UTF-8",
    "iso8859_1": "ISO-8859-1",
    "iso8859_15": "ISO-8859-15",
    "cp1252": "windows-1252",
}


@dataclass(frozen=True)
class Prepared:
    """Bytes checked by :func:`prepare`, and the encoding libxml2 must read them in."""

    data: bytes
    encoding: str


def parse_xml(
    data: bytes,
    *,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> etree._Element:
    """Parse an untrusted XML document and return its root element.

    Raises :class:`FormatError` with code ``fichier-trop-volumineux`` (413), ``encodage-invalide``,
    ``xml-doctype-interdit``, ``xml-entite-interdite``, ``xml-trop-profond`` or ``xml-mal-forme`` (with
    the line). The file name is kept as the document URL, so that later errors can name the file.
    """
    prepared = prepare(data, filename=filename, max_bytes=max_bytes)
    root = _parse(prepared, filename)
    if _declares_dtd(root.getroottree().docinfo):
        raise FormatError(code=codes.XML_DOCTYPE_INTERDIT, file=filename, line=1)
    _check_depth(root, max_depth, filename)
    return root


def prepare(data: bytes, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Prepared:
    """Layers 1 to 3 above: what every parse of untrusted bytes starts with (the incremental one too)."""
    if len(data) > max_bytes:
        raise FileTooLarge(detail=f"{len(data)} octets pour {max_bytes} autorisés.", file=filename)
    data, codec = _checked_encoding(data, filename)
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        _fail_encoding(filename, "octet nul : ce n'est pas du XML (ou un encodage non déclaré).", line)
    if _has_doctype(data):
        raise FormatError(code=codes.XML_DOCTYPE_INTERDIT, file=filename, line=1)
    return Prepared(data, _LIBXML2_NAMES[codec])


class RefuseEverything(etree.Resolver):
    """The parser's resolver: libxml2 may ask for no URL, whatever the scheme or the options."""

    def __init__(self, filename: str | None = None) -> None:
        super().__init__()
        self.filename = filename

    # lxml calls resolve(url, public_id, context); lxml-stubs forget the context.
    def resolve(self, system_url: str, public_id: str, context: object) -> NoReturn:  # type: ignore[override]
        # The error carries no path, so that a missing file and an existing one answer alike.
        raise FormatError(
            code=codes.XML_ENTITE_INTERDITE, detail="ressource externe refusée.", file=self.filename
        )


_HARDENED: dict[str, Any] = {  # Any: lxml-stubs type each keyword apart
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "remove_blank_text": True,
}


def hardened_parser(encoding: str, filename: str | None = None) -> etree.XMLParser:
    """The parser configuration untrusted bytes meet (layer 4): see the module's docstring."""
    parser = etree.XMLParser(encoding=encoding, **_HARDENED)
    parser.resolvers.add(RefuseEverything(filename))
    return parser


@dataclass
class Scan:
    """What :func:`scan_xml` read of a document: its root's tag, the first child of the root named
    ``keep`` (with its subtree, in the document: paths and lines stay right), and how many elements of
    each name it holds."""

    root: str
    kept: etree._Element | None = None
    counts: Counter[str] = field(default_factory=Counter)


def scan_xml(
    data: bytes,
    *,
    filename: str,
    keep: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_per_element: Mapping[str, int] | None = None,
    default_max_per_element: int = DEFAULT_MAX_PER_ELEMENT,
) -> Scan:
    """Check a whole untrusted document as :func:`parse_xml` does, without ever holding its tree.

    The same layers and the same errors, read incrementally by a pull parser of the same configuration:
    each element is dropped once read, so memory stays that of the bytes whatever the file holds. More
    than ``max_per_element[name]`` (or ``default_max_per_element``) elements of one name is
    ``xml-trop-d-elements``, raised at the first one too many.
    """
    prepared = prepare(data, filename=filename, max_bytes=max_bytes)
    parser = etree.XMLPullParser(
        events=("start", "end"), base_url=filename, encoding=prepared.encoding, **_HARDENED
    )
    parser.resolvers.add(RefuseEverything(filename))
    walk = _Walk(filename, keep, max_depth, max_per_element or {}, default_max_per_element)
    etree.clear_error_log()  # the thread's log, from which _feed_error reads this parse's first error
    try:
        parser.feed(b"")  # so that an empty document fails as such
        for offset in range(0, len(prepared.data), _SCAN_CHUNK):
            parser.feed(prepared.data[offset : offset + _SCAN_CHUNK])
            walk.events(parser.read_events())
        root = parser.close()
    except etree.XMLSyntaxError as error:
        raise _feed_error(error, filename) from None
    walk.events(parser.read_events())
    if _declares_dtd(root.getroottree().docinfo):
        raise FormatError(code=codes.XML_DOCTYPE_INTERDIT, file=filename, line=1)
    return Scan(root=str(root.tag), kept=walk.kept, counts=walk.counts)


@dataclass
class _Walk:
    filename: str
    keep: str
    max_depth: int
    limits: Mapping[str, int]
    default_limit: int
    depth: int = 0
    keeping: etree._Element | None = None
    kept: etree._Element | None = None
    counts: Counter[str] = field(default_factory=Counter)

    def events(self, events: Iterable[tuple[str, object]]) -> None:
        for event, elem in events:
            assert isinstance(elem, etree._Element)  # only start and end events are asked for
            if event == "start":
                self._start(elem)
            else:
                self._end(elem)

    def _start(self, elem: etree._Element) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            detail = f"plus de {self.max_depth} niveaux."
            raise FormatError(
                code=codes.XML_TROP_PROFOND, detail=detail, file=self.filename, line=line_of(elem)
            )
        tag = str(elem.tag)
        if self.depth == 2 and tag == self.keep and self.kept is None:
            self.keeping = elem
        self.counts[tag] += 1
        limit = self.limits.get(tag, self.default_limit)
        if self.counts[tag] > limit:
            raise FormatError(
                code=codes.XML_TROP_D_ELEMENTS,
                detail=f"plus de {limit} éléments « {tag} ».",
                file=self.filename,
                line=line_of(elem),
            )

    def _end(self, elem: etree._Element) -> None:
        self.depth -= 1
        if self.keeping is not None:  # inside the element kept, or at its end
            if elem is self.keeping:
                self.kept, self.keeping = elem, None
            return
        if self.depth >= 1:
            # Drop what was read: the element's content, and the siblings already done before it.
            elem.clear()
            parent, previous = elem.getparent(), elem.getprevious()
            while parent is not None and previous is not None and previous is not self.kept:
                parent.remove(previous)
                previous = elem.getprevious()


def _checked_encoding(data: bytes, filename: str) -> tuple[bytes, str]:
    """The document without byte-order mark, in an accepted ASCII-compatible encoding it really uses."""
    bom_encoding, body = _strip_bom(data)
    if bom_encoding == "utf-32":
        _fail_encoding(
            filename, "l'UTF-32 n'est pas accepté : envoyez le fichier en ISO-8859-15 ou en UTF-8."
        )
    declared = _declared_encoding(body if bom_encoding != "utf-16" else _utf16_head(body), filename)
    if bom_encoding == "utf-16":
        if declared not in (None, "utf_16"):
            _fail_encoding(filename, f"le fichier est en UTF-16 mais déclare un autre encodage ({declared}).")
        return _transcode_utf16(data, filename), "utf_8"
    if bom_encoding == "utf-8" and declared not in (None, "utf_8"):
        _fail_encoding(
            filename, f"le fichier commence par une marque UTF-8 mais déclare un autre encodage ({declared})."
        )
    effective = declared or "utf_8"
    if effective.startswith(("utf_16", "utf_32")):
        _fail_encoding(filename, f"le fichier déclare un encodage {declared} sans marque d'ordre des octets.")
    if effective not in _LIBXML2_NAMES:
        _fail_encoding(
            filename, f"encodage {declared} non accepté : envoyez le fichier en ISO-8859-15 ou en UTF-8."
        )
    if effective in ("utf_8", "ascii"):
        _decode_or_fail(body, "utf-8", filename)
    elif looks_like_utf8(body):
        _fail_encoding(filename, "le fichier déclare un encodage ISO-8859 mais il est écrit en UTF-8.")
    return body, effective


def _strip_bom(data: bytes) -> tuple[str | None, bytes]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, data[len(bom) :]
    return None, data


def _declared_encoding(head: bytes, filename: str) -> str | None:
    """The codec name of the prolog's encoding declaration; an unknown encoding is refused."""
    if not head.startswith(b"<?xml"):
        return None
    match = _DECLARATION.match(head[:200])
    if match is None:
        return None
    label = match.group(1).decode("ascii")
    try:
        return codecs.lookup(label).name.replace("-", "_")  # "ISO-8859-15" -> "iso8859_15"
    except LookupError:
        _fail_encoding(filename, f"encodage « {label} » inconnu.")


def _utf16_head(body: bytes) -> bytes:
    # Only the prolog is needed; decoding a few hundred bytes keeps this path cheap.
    codec = "utf-16-le" if body[:2] == b"<\x00" else "utf-16-be"
    return body[:400].decode(codec, "ignore").encode("ascii", "ignore")


def _transcode_utf16(data: bytes, filename: str) -> bytes:
    text = _decode_or_fail(data, "utf-16", filename)
    # libxml2 would honour the UTF-16 declaration of the transcoded text: rename it, same line, same length.
    text = re.sub(r"(<\?xml[^>]*?encoding\s*=\s*[\"'])[^\"']*", r"\1UTF-8", text, count=1)
    return text.encode("utf-8")


def _decode_or_fail(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        _fail_encoding(filename, f"octets invalides pour l'encodage {encoding.upper()}.", line)


def looks_like_utf8(data: bytes) -> bool:
    """Whether non-ASCII ``data`` is really UTF-8 text of characters ISO-8859-15 also has.

    That is what a file re-saved as UTF-8 with its ISO-8859-15 prolog kept looks like. A genuine
    ISO-8859-15 French text is almost never valid UTF-8 (``é`` is 0xE9, which would need two continuation
    bytes after it); when it is, it decodes to characters Latin-9 lacks, except for freaks like ``Ã©``,
    which :func:`.xmlwrite.serialize` never writes.
    """
    if data.isascii():
        return False
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    try:
        decoded.encode("iso-8859-15")
    except UnicodeEncodeError:
        return False
    return True


def _fail_encoding(filename: str | None, detail: str, line: int | None = None) -> NoReturn:
    raise FormatError(code=codes.ENCODAGE_INVALIDE, detail=detail, file=filename, line=line)


def _has_doctype(data: bytes) -> bool:
    """Whether a DOCTYPE (or any ``<!`` declaration) precedes the root element (after the declaration,
    comments and PIs)."""
    position = 0
    while True:
        position = _skip_blanks(data, position)
        if data.startswith(b"<?", position):
            position = _after(data, b"?>", position)
        elif data.startswith(b"<!--", position):
            position = _after(data, b"-->", position)
        else:
            # DOCTYPE in any case, and any other declaration libxml2 might accept there one day.
            return data.startswith(b"<!", position)


def _skip_blanks(data: bytes, position: int) -> int:
    while position < len(data) and data[position] in b" \t\r\n":
        position += 1
    return position


def _after(data: bytes, marker: bytes, position: int) -> int:
    end = data.find(marker, position)
    return len(data) if end < 0 else end + len(marker)


def _parse(prepared: Prepared, filename: str) -> etree._Element:
    try:
        return etree.fromstring(
            prepared.data, hardened_parser(prepared.encoding, filename), base_url=filename
        )
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, filename) from None


def _feed_error(error: etree.XMLSyntaxError, filename: str) -> FormatError:
    # A feed parser's exception may say only "no element found": its log has the first real error.
    errors = error.error_log.filter_from_errors()  # type: ignore[attr-defined]  # missing from lxml-stubs
    first = next(iter(errors), None)
    if first is None:
        return _syntax_error(error, filename)
    return _syntax_error(error, filename, first.message, first.line)


def _syntax_error(
    error: etree.XMLSyntaxError, filename: str, message: str | None = None, line: int | None = None
) -> FormatError:
    message = message or str(error.msg or error)
    line = line or error.lineno or None
    if "Excessive depth" in message:
        return FormatError(code=codes.XML_TROP_PROFOND, file=filename, line=line)
    if "ntity" in message and "not defined" in message:
        return FormatError(code=codes.XML_ENTITE_INTERDITE, detail=message, file=filename, line=line)
    if "encoding" in message.lower():
        return FormatError(code=codes.ENCODAGE_INVALIDE, detail=message, file=filename, line=line)
    return FormatError(code=codes.XML_MAL_FORME, detail=message, file=filename, line=line)


def _declares_dtd(docinfo: etree.DocInfo) -> bool:
    # A second line of defence behind the prolog scan: libxml2 gives every DOCTYPE an internal subset.
    # lxml-stubs wrongly make internalDTD non-optional.
    return cast("etree.DTD | None", docinfo.internalDTD) is not None


def _check_depth(root: etree._Element, max_depth: int, filename: str) -> None:
    # libxml2 already stops at 256 levels; our cap is lower. An XPath probe for any element one level
    # below the cap is evaluated in C and needs no Python walk over the tree.
    probe = etree.XPath("/*" * (max_depth + 1))
    too_deep = probe(root)
    if isinstance(too_deep, list) and too_deep:
        first = too_deep[0]
        line = line_of(first) if isinstance(first, etree._Element) else None
        detail = f"plus de {max_depth} niveaux."
        raise FormatError(code=codes.XML_TROP_PROFOND, detail=detail, file=filename, line=line)


def expect_root(root: etree._Element, *names: str) -> str:
    """Return the root's tag if it is one of ``names``, else raise ``racine-inattendue``."""
    if root.tag in names:
        return str(root.tag)
    expected = " ou ".join(names)
    raise FormatError(
        code=codes.RACINE_INATTENDUE,
        detail=f"élément racine « {root.tag} » au lieu de « {expected} ».",
        file=source_name(root),
        path=f"/{root.tag}",
        line=line_of(root),
    )


def source_name(elem: etree._Element) -> str | None:
    """The file name given to :func:`parse_xml`, or None for a tree built in memory."""
    return elem.getroottree().docinfo.URL


def line_of(elem: etree._Element) -> int | None:
    """The line where ``elem`` starts in the parsed file (None for a tree built in memory)."""
    # lxml-stubs leave sourceline untyped.
    return cast("int | None", elem.sourceline)


def element_path(elem: etree._Element) -> str:
    """The element's path, e.g. ``/BEE_ELEVES/DONNEES/ELEVES/ELEVE[12]/DATE_NAISS``."""
    return str(elem.getroottree().getpath(elem))


def located_error(elem: etree._Element, code: str, detail: str | None = None) -> FormatError:
    """A :class:`FormatError` pointing at ``elem``: file, element path and line."""
    return FormatError(
        code=code, detail=detail, file=source_name(elem), path=element_path(elem), line=line_of(elem)
    )


def text(elem: etree._Element, child: str) -> str | None:
    """The stripped text of ``elem``'s first ``child``: None if absent, ``""`` if present but empty."""
    found = elem.find(child)
    if found is None:
        return None
    return (found.text or "").strip()


def required_text(elem: etree._Element, child: str) -> str:
    """Like :func:`text`, but an absent or empty ``child`` is an ``element-manquant`` error."""
    value = text(elem, child)
    if not value:
        raise located_error(elem, codes.ELEMENT_MANQUANT, f"élément « {child} » absent ou vide.")
    return value


def required_attribute(elem: etree._Element, name: str) -> str:
    """The stripped value of attribute ``name``; absent or empty is ``element-manquant``."""
    value = (elem.get(name) or "").strip()
    if not value:
        raise located_error(elem, codes.ELEMENT_MANQUANT, f"attribut « {name} » absent ou vide.")
    return value


def required_child(elem: etree._Element, child: str) -> etree._Element:
    """The first ``child`` element; absent is ``element-manquant``."""
    found = elem.find(child)
    if found is None:
        raise located_error(elem, codes.ELEMENT_MANQUANT, f"élément « {child} » absent.")
    return found


def children(elem: etree._Element | None, tag: str) -> list[etree._Element]:
    """The direct children named ``tag`` of an optional container (none if the container is absent)."""
    return [] if elem is None else list(elem.iterchildren(tag))
