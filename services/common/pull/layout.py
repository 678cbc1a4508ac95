"""What an exported file is made of: a root, a header, and sections of records read from the database.

A :class:`Layout` lists a file's sections in file order. Each :class:`Section` says where its records sit
in the XML (``DONNEES/ELEVES``) and in the JSON rendering (``donnees.eleves``), which :class:`Source`
reads them, and how one record becomes an element (by default, the codec's bound record writer). The
renderers (:mod:`.render`) walk a layout once, record by record, so an export never holds more than one
record in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.formats.writing import write_record
from services.common.pull.journal import Key, Scope

Data = dict[str, Any]
ElementBuilder = Callable[[Any], etree._Element]


class Source(Protocol):
    """Where the records of one section come from (a :class:`~.store.RecordTable` or a custom join)."""

    @property
    def entity(self) -> str: ...  # the journal entity of its records

    @property
    def tag(self) -> str: ...  # the record's element; the TYPE of its tombstones

    @property
    def record_type(self) -> type[Any]: ...

    @property
    def key_fields(self) -> tuple[str, ...]: ...

    @property
    def key_names(self) -> tuple[str, ...]: ...

    def stream(
        self, session: AsyncSession, scope: Scope, keys: Collection[Key] | None = None
    ) -> AsyncIterator[Data]: ...


def bound_builder(container: str, tag: str) -> ElementBuilder:
    """Records of the declarative binding, written by the codecs' own writer.

    Identifiers are not re-checked (``strict=False``): the records are SIECLE's and STS-WEB's own, read
    leniently on import; a refusal here would cut a file already half sent.
    """

    def build(record: Any) -> etree._Element:
        parent = etree.Element(container)
        return write_record(parent, tag, record, False)

    return build


@dataclass(frozen=True)
class Section:
    source: Source
    xml_path: tuple[str, ...]  # containers from the root's child down to the records' parent
    json_path: tuple[str, ...]
    build: ElementBuilder | None = None  # None: the bound record writer
    keep_empty: bool = True  # a full export writes the empty container (BEE) or leaves it out (STS)

    def element(self, record: Any) -> etree._Element:
        build = self.build or bound_builder(self.xml_path[-1], self.source.tag)
        return build(record)


@dataclass(frozen=True)
class Layout:
    root: str
    sections: tuple[Section, ...]
    tombstones: tuple[str, ...] = ("DONNEES", "SUPPRESSIONS")

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(section.source.entity for section in self.sections)


@dataclass(frozen=True)
class Header:
    """What comes before the sections: root attributes, header elements, and their JSON members."""

    attributes: Mapping[str, str] = field(default_factory=dict)
    elements: tuple[etree._Element, ...] = ()
    json: Mapping[str, Any] = field(default_factory=dict)
