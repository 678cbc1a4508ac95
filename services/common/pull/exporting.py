"""Serving an export request in a service: resolve the flow and cursor, answer 304 early, plan the body.

Everything here runs inside the export's read snapshot (:mod:`.snapshot`). The journal position read
first is both the ``Curseur-Suivant`` of the answer and the input of its ``ETag``, so a client whose ETag
is current gets ``304`` before anything is read or written.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import Conflict, NotFound
from services.common.exports import Export, ExportFormat, ExportHead, ExportKind, ExportRequest
from services.common.pull.content import Content
from services.common.pull.cursors import Cursor, CursorSigner, invalid_cursor
from services.common.pull.journal import Changes, Journal, Position, Scope
from services.common.pull.zipstream import zipped


class ExportFlow(Protocol):
    """One export flow of a service (``eleves``, ``structures``, ``emploi-du-temps``...)."""

    @property
    def name(self) -> str: ...

    @property
    def entities(self) -> frozenset[str]: ...  # the journal entities its files are made of

    def stem(self, request: ExportRequest) -> str: ...  # the XML file's name without ".xml"

    def zip_name(self, request: ExportRequest) -> str: ...

    async def content(
        self,
        session: AsyncSession,
        scope: Scope,
        request: ExportRequest,
        delta: Mapping[str, Changes] | None,
        now: datetime,
    ) -> tuple[Content, ExportKind]: ...


@dataclass(frozen=True)
class Exporter:
    """A service's exports: its name (in cursors), its journal, its cursor signer and its flows."""

    service: str
    journal: Journal
    signer: CursorSigner
    flows: Mapping[str, ExportFlow]

    async def export(self, session: AsyncSession, request: ExportRequest, now: datetime) -> Export:
        flow = self._flow(request.flow)
        scope = Scope(request.uai, request.year)
        position = await self.journal.position(session, scope)
        since = self._since(request.since, scope, position) if request.since else None
        etag = self._etag(request, position)
        cursor = self.signer.encode(Cursor(self.service, scope.uai, scope.year, position.last_seq))
        if _matches(etag, request.if_none_match):
            return Export(ExportHead(status=304, etag=etag, cursor=cursor))
        delta = None
        if since is not None:
            delta = await self.journal.changes_since(session, scope, since, flow.entities)
        content, kind = await flow.content(session, scope, request, delta, now)
        head = ExportHead(
            etag=etag,
            cursor=cursor,
            kind=kind,
            filename=_filename(flow, request),
            content_type=request.format.media_type,
        )
        return Export(head, _body(flow, request, content, now), content.counts)

    def _flow(self, name: str) -> ExportFlow:
        flow = self.flows.get(name)
        if flow is None:
            raise NotFound(
                f"Le flux « {name} » n'existe pas dans {self.service.upper()}.", code="flux-inconnu"
            )
        return flow

    def _since(self, text: str, scope: Scope, position: Position) -> int:
        cursor = self.signer.decode(text)
        if (cursor.service, cursor.uai, cursor.year) != (self.service, scope.uai, scope.year):
            raise invalid_cursor(
                f"ce curseur est celui de {cursor.service.upper()} pour {cursor.uai}, année {cursor.year}."
            )
        if cursor.seq > position.last_seq:
            raise invalid_cursor("ce curseur désigne une position que le journal n'a jamais atteinte.")
        if cursor.seq < position.floor_seq:
            raise Conflict(
                "Ce curseur est trop ancien : les changements intermédiaires ne sont plus conservés. "
                "Demandez un export complet, puis repartez de son curseur.",
                code="curseur-perime",
            )
        return cursor.seq

    def _etag(self, request: ExportRequest, position: Position) -> str:
        # Known before any read: the representation (flow, variant, format, base) and the journal head.
        parts = (
            self.service,
            request.uai,
            str(request.year),
            request.flow,
            "adresses" if request.with_addresses else "sans-adresses",
            request.format.value,
            request.since or "",
            str(position.last_seq),
        )
        return f'W/"{hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]}"'


def _matches(etag: str, candidates: list[str]) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): ``W/`` prefixes are ignored; ``*`` matches anything."""
    bare = etag.removeprefix("W/")
    return any(c.strip() == "*" or c.strip().removeprefix("W/") == bare for c in candidates)


def _filename(flow: ExportFlow, request: ExportRequest) -> str:
    if request.format is ExportFormat.ZIP:
        return flow.zip_name(request)
    return f"{flow.stem(request)}.{request.format.value}"


def _body(flow: ExportFlow, request: ExportRequest, content: Content, now: datetime) -> AsyncIterator[bytes]:
    if request.format is ExportFormat.JSON:
        return content.json()
    if request.format is ExportFormat.ZIP:
        return zipped(f"{flow.stem(request)}.xml", content.xml(), modified=now)
    return content.xml()
