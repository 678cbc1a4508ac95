"""The content of one export, full or delta, rendered on demand as XML or JSON while counting records.

A delta ("since cursor C") keeps the file's root and header; its sections hold only the records created
or changed since C, and ``DONNEES/SUPPRESSIONS`` lists the deleted ones as ``<SUPPRESSION TYPE="ELEVE"
ELEVE_ID="…"/>``: the record's element and its natural key, as the format names them. Readers of the
format ignore that block; :func:`read_tombstones` reads it. In JSON the tombstones are the top-level list
``suppressions`` of ``{"type": "ELEVE", "eleve_id": "…"}``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.formats.xmlsafe import parse_xml
from services.common.pull.journal import Changes, Key, Scope
from services.common.pull.layout import Header, Layout, Section
from services.common.pull.render import JsonPieces, XmlPieces, dumps
from services.common.records import from_data, to_data

TOMBSTONE = "SUPPRESSION"
TOMBSTONES_JSON = "suppressions"


class Content(Protocol):
    counts: Counter[str]

    def xml(self) -> AsyncIterator[bytes]: ...

    def json(self) -> AsyncIterator[bytes]: ...


@dataclass
class RecordContent:
    """A file of record sections read from the database, in one snapshot, one record at a time."""

    session: AsyncSession
    scope: Scope
    layout: Layout
    header: Header
    delta: Mapping[str, Changes] | None = None  # None: a full export
    counts: Counter[str] = field(default_factory=Counter)

    async def xml(self) -> AsyncIterator[bytes]:
        writer = XmlPieces(self.layout.root, self.header.attributes)
        yield writer.begin()
        for elem in self.header.elements:
            yield writer.element(elem)
        for section in self.layout.sections:
            keep = self.delta is None and section.keep_empty
            yield writer.goto(section.xml_path, keep_leaf=keep)
            async for data in self._records(section):
                yield writer.element(section.element(from_data(section.source.record_type, data)))
        tombstones = list(self._tombstones())
        if tombstones:
            yield writer.goto(self.layout.tombstones, keep_leaf=False)
            for section, key in tombstones:
                attributes = {
                    "TYPE": section.source.tag,
                    **dict(zip(section.source.key_names, key, strict=True)),
                }
                yield writer.element(etree.Element(TOMBSTONE, attributes))
        yield writer.end()

    async def json(self) -> AsyncIterator[bytes]:
        writer = JsonPieces(self.header.json)
        yield writer.begin()
        for section in self.layout.sections:
            yield writer.goto(section.json_path)
            async for data in self._records(section):
                yield writer.item(data)
        if self.delta is not None:
            yield writer.goto((TOMBSTONES_JSON,))
            for section, key in self._tombstones():
                fields = dict(zip(section.source.key_fields, key, strict=True))
                yield writer.item({"type": section.source.tag, **fields})
        yield writer.end()

    async def _records(self, section: Section) -> AsyncIterator[dict[str, Any]]:
        keys: list[Key] | None = None
        if self.delta is not None:
            keys = self.delta.get(section.source.entity, Changes()).upserted
            if not keys:
                return
        async for data in section.source.stream(self.session, self.scope, keys):
            self.counts[section.source.tag] += 1
            yield data

    def _tombstones(self) -> Iterator[tuple[Section, Key]]:
        for section in self.layout.sections if self.delta is not None else ():
            for key in self.delta.get(section.source.entity, Changes()).deleted if self.delta else ():
                self.counts[TOMBSTONE] += 1
                yield section, key


@dataclass
class DocumentContent:
    """A reference document held whole (nomenclatures, the establishment): bounded by the ministry's
    code lists, not by the size of the school, so it is written in one piece by its codec."""

    document: Any
    write: Callable[[Any], bytes]
    json_header: Mapping[str, Any] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    async def xml(self) -> AsyncIterator[bytes]:
        yield self.write(self.document)

    async def json(self) -> AsyncIterator[bytes]:
        yield dumps({**self.json_header, **to_data(self.document)}).encode()


def read_tombstones(xml: bytes, *, filename: str = "export.xml") -> list[dict[str, str]]:
    """The ``SUPPRESSION`` entries of a delta (``TYPE`` and the natural key), in file order."""
    root = parse_xml(xml, filename=filename)
    return [
        {str(name): str(value) for name, value in elem.attrib.items()}
        for elem in root.iterfind(f"DONNEES/SUPPRESSIONS/{TOMBSTONE}")
    ]
