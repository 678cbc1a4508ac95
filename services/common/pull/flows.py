"""The two shapes of export flow: files of record sections, and reference documents kept whole.

A :class:`RecordFlow` (pupils, guardians, structures, the STS export) is streamed record by record and
its delta is the records changed since the cursor. A :class:`DocumentFlow` (nomenclatures, the
establishment) is one record: asked for a delta, it answers the whole document when it changed since the
cursor (``Type-Export: complet``: replace your copy), else an empty document (nothing to do).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.exports import ExportKind, ExportRequest
from services.common.pull.content import Content, DocumentContent, RecordContent
from services.common.pull.journal import Changes, Scope
from services.common.pull.layout import Header, Layout

HeaderBuilder = Callable[[AsyncSession, Scope, datetime], Awaitable[Header]]
Naming = Callable[[ExportRequest], str]


@dataclass(frozen=True)
class RecordFlow:
    name: str
    layouts: Callable[[ExportRequest], Layout]  # the file's layout for this request's variant
    variants: tuple[Layout, ...]  # every layout the flow may use: their entities are the flow's
    header: HeaderBuilder
    stem: Naming
    zip_name: Naming

    @property
    def entities(self) -> frozenset[str]:
        return frozenset().union(*(layout.entities for layout in self.variants))

    async def content(
        self,
        session: AsyncSession,
        scope: Scope,
        request: ExportRequest,
        delta: Mapping[str, Changes] | None,
        now: datetime,
    ) -> tuple[Content, ExportKind]:
        kind = ExportKind.FULL if delta is None else ExportKind.DELTA
        header = await self.header(session, scope, now)
        header = replace(header, json={"export": kind.value, **header.json})
        return RecordContent(session, scope, self.layouts(request), header, delta), kind


@dataclass(frozen=True)
class DocumentFlow:
    name: str
    entity: str
    load: Callable[[AsyncSession, Scope, datetime], Awaitable[Any]]  # NotFound when never loaded
    empty: Callable[[Scope, datetime], Any]  # the document with a header and no data
    write: Callable[[Any], bytes]
    stem: Naming
    zip_name: Naming
    also: frozenset[str] = frozenset()  # other entities it is made from (a derived document: the history)

    @property
    def entities(self) -> frozenset[str]:
        return frozenset({self.entity}) | self.also

    async def content(
        self,
        session: AsyncSession,
        scope: Scope,
        request: ExportRequest,
        delta: Mapping[str, Changes] | None,
        now: datetime,
    ) -> tuple[Content, ExportKind]:
        if delta is not None and not self.entities & set(delta):
            document, kind = self.empty(scope, now), ExportKind.DELTA
        else:
            document, kind = await self.load(session, scope, now), ExportKind.FULL
        content = DocumentContent(document, self.write, json_header={"export": kind.value})
        content.counts.update(_items(document))
        return content, kind


def _items(document: Any) -> dict[str, int]:
    """Items per section of a document's ``DONNEES`` (a record counts one)."""
    donnees = document.donnees
    counts = {}
    for item in dataclasses.fields(donnees):
        value = getattr(donnees, item.name)
        if value is not None:
            counts[item.name.upper()] = len(value) if isinstance(value, list) else 1
    return counts


def fixed(name: str) -> Naming:
    return lambda _request: name
