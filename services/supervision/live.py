"""The live feed inside one process: whoever watches (an SSE connection) subscribes with their scope;
the bus relay publishes each change once it is committed.

A watcher that cannot keep up (a stalled browser) is not allowed to grow memory without bound: its
queue is bounded, and on overflow it loses the backlog and receives one ``resync`` message telling the
page to re-read the API instead.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from services.supervision.scope import Scope

QUEUE_SIZE = 256


@dataclass(frozen=True)
class LiveMessage:
    """What the feed carries: ``kind`` is ``sync`` or ``alert``; ``data`` is the JSON of the item."""

    kind: str
    academie: str | None
    data: dict[str, Any]
    seq: int = 0


RESYNC = LiveMessage(kind="resync", academie=None, data={})


@dataclass(eq=False)
class Watcher:
    scope: Scope
    queue: asyncio.Queue[LiveMessage] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))

    def offer(self, message: LiveMessage) -> None:
        if not self.scope.allows(message.academie):
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            _drain(self.queue)
            self.queue.put_nowait(RESYNC)


class Broadcaster:
    """Fan-out of live messages to the watchers of this process, each filtered by its scope."""

    def __init__(self) -> None:
        self._watchers: set[Watcher] = set()
        self._seq = itertools.count(1)

    @property
    def watcher_count(self) -> int:
        return len(self._watchers)

    def publish(self, kind: str, academie: str | None, data: dict[str, Any]) -> None:
        message = LiveMessage(kind, academie, data, next(self._seq))
        for watcher in list(self._watchers):
            watcher.offer(message)

    @asynccontextmanager
    async def watch(self, scope: Scope) -> AsyncIterator[Watcher]:
        """A watcher receiving the messages of this scope from now on, until the block ends."""
        watcher = Watcher(scope)
        self._watchers.add(watcher)
        try:
            yield watcher
        finally:
            self._watchers.discard(watcher)


def _drain(queue: asyncio.Queue[LiveMessage]) -> None:
    while not queue.empty():
        queue.get_nowait()
