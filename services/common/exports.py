"""The export request that the gateway sends to `bee` and `sts` over the bus."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel


class ExportFormat(enum.StrEnum):
    XML = "xml"
    ZIP = "zip"
    JSON = "json"


class ExportRequest(BaseModel):
    sync_id: str
    uai: str
    year: int
    flow: str
    format: ExportFormat = ExportFormat.XML
    since: str | None = None  # a cursor: only what changed after it
    with_addresses: bool = True

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ExportRequest:
        return cls.model_validate_json(data)


@dataclass
class ExportDocument:
    """An export built by a worker: the bytes, and what the gateway and supervision need to know."""

    filename: str
    content_type: str
    body: bytes
    counts: dict[str, int] = field(default_factory=dict)
    cursor: str | None = None

    def head(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "cursor": self.cursor,
            "etag": f'"{self.sha256}"',
        }

    def tail(self) -> dict[str, Any]:
        return {"counts": self.counts, "sha256": self.sha256}

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    async def chunks(self) -> AsyncIterator[bytes]:
        yield self.body


XML_MEDIA_TYPE = "application/xml; charset=ISO-8859-15"
