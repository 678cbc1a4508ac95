"""What the gateway asks of `bee` and `sts` for an export, and what comes back before the body.

The gateway sends an :class:`ExportRequest` over the bus. The worker answers with an :class:`ExportHead`
(everything the HTTP headers need: known before the first byte, so ``ETag`` and ``304`` cost no export),
then the body in chunks, then a tail with the counts and the body's sha256 (see
:mod:`services.common.export_worker` and :mod:`services.common.bus.chunks`).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from pydantic import Field

from services.common.contracts import Contract

XML_MEDIA_TYPE = "application/xml; charset=ISO-8859-15"
ZIP_MEDIA_TYPE = "application/zip"
JSON_MEDIA_TYPE = "application/json"


class ExportFormat(enum.StrEnum):
    XML = "xml"  # the real SIECLE / STS-WEB file
    ZIP = "zip"  # that file zipped as SIECLE ships it (ExportXML_<Name>.zip)
    JSON = "json"

    @property
    def media_type(self) -> str:
        return {"xml": XML_MEDIA_TYPE, "zip": ZIP_MEDIA_TYPE, "json": JSON_MEDIA_TYPE}[self.value]


class ExportKind(enum.StrEnum):
    FULL = "complet"  # a consistent snapshot of everything
    DELTA = "differentiel"  # what changed since the cursor, deletions as tombstones


class ExportRequest(Contract):
    sync_id: str
    uai: str
    year: int
    flow: str
    format: ExportFormat = ExportFormat.XML
    since: str | None = None  # a cursor: only what changed after it
    with_addresses: bool = True  # eleves: ElevesAvecAdresses (True) or ElevesSansAdresses
    if_none_match: list[str] = Field(default_factory=list)  # the client's ETags: 304 if one is current

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ExportRequest:
        return cls.model_validate_json(data)


class ExportHead(Contract):
    """The answer's head: 200 with the file's identity, or 304 when the client's copy is current."""

    status: int = 200
    etag: str
    cursor: str  # the next cursor: the journal position this export is consistent with
    kind: ExportKind = ExportKind.FULL
    filename: str | None = None
    content_type: str | None = None


@dataclass
class Export:
    """An export being served: its head, then its body streamed (none for a 304)."""

    head: ExportHead
    body: AsyncIterator[bytes] | None = None
    counts: Counter[str] = field(default_factory=Counter)
