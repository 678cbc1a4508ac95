"""The gateway's cache of recently served full exports: the same bytes, served again without rebuilding.

An entry is only ever served after the owning service has confirmed, for this very request, that it is
still current: the gateway sends the entry's ``ETag`` with the request, and the service answers ``304``
when the journal has not moved (one bus round trip and one read of the journal head, no export built).
So the cache can never serve stale data; it only saves building a file nobody changed. The entry keeps
the ``HORODATAGE`` of when it was built: the file as exported then, which is still the current one.

Bounded by total size (least recently used first out); exports larger than ``max_entry`` and deltas
are never kept: they stream.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from services.common.exports import ExportHead, ExportRequest

CacheKey = tuple[str, int, str, bool, str]


@dataclass(frozen=True)
class CachedExport:
    head: ExportHead
    body: bytes
    tail: dict[str, Any]  # bytes, sha256, counts: what supervision records


class ExportCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 2 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._entries: OrderedDict[CacheKey, CachedExport] = OrderedDict()
        self._size = 0

    @staticmethod
    def key(request: ExportRequest) -> CacheKey | None:
        """The representation a request asks for; None for deltas (never cached)."""
        if request.since:
            return None
        return (request.uai, request.year, request.flow, request.with_addresses, request.format.value)

    def get(self, request: ExportRequest) -> CachedExport | None:
        key = self.key(request)
        entry = self._entries.get(key) if key else None
        if key and entry:
            self._entries.move_to_end(key)
        return entry

    def put(self, request: ExportRequest, entry: CachedExport) -> None:
        key = self.key(request)
        if key is None or len(entry.body) > self.max_entry:
            return
        if (previous := self._entries.pop(key, None)) is not None:
            self._size -= len(previous.body)
        self._entries[key] = entry
        self._size += len(entry.body)
        while self._size > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._size -= len(evicted.body)
