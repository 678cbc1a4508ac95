"""An in-memory :class:`Bus` for unit tests: request/reply, durable publishing, object stores, key-value
buckets and queued messages, with no nats-server. Integration tests keep the real server; this one only
stands in where a test is about what a module does with the bus, not about the bus."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, cast

from nats.js.api import PubAck

from services.common.bus import Bus, NoAnswer
from services.common.bus.client import Responder
from services.common.settings import NatsSettings


class MemoryBus(Bus):
    def __init__(self) -> None:
        super().__init__(NatsSettings(), name="memoire")
        self.responders: dict[str, Responder] = {}
        self.published: list[tuple[str, bytes, dict[str, str]]] = []
        self.objects: dict[str, dict[str, bytes]] = defaultdict(dict)
        self.buckets: dict[str, dict[str, bytes]] = defaultdict(dict)
        self._msg_ids: set[str] = set()

    async def answer(self, subject: str, queue: str, respond: Responder) -> None:
        self.responders[subject] = respond

    async def request(self, subject: str, data: bytes, *, within: float) -> tuple[bytes, dict[str, str]]:
        if subject not in self.responders:
            raise NoAnswer(subject)
        body, headers = await self.responders[subject](data)
        return body, dict(headers or {})

    async def publish_durable(
        self,
        subject: str,
        payload: bytes,
        *,
        msg_id: str,
        headers: Mapping[str, str] | None = None,
        within: float = 30.0,
    ) -> PubAck:
        duplicate = msg_id in self._msg_ids
        if not duplicate:
            self._msg_ids.add(msg_id)
            self.published.append((subject, payload, {"Nats-Msg-Id": msg_id, **(headers or {})}))
        return cast(PubAck, SimpleNamespace(seq=len(self.published), duplicate=duplicate, stream="MEMOIRE"))

    async def ensure_object_store(self, name: str, *, description: str, ttl_seconds: float) -> None:
        self.objects.setdefault(name, {})

    async def put_object(self, store: str, name: str, data: bytes) -> None:
        self.objects[store][name] = data

    async def get_object(self, store: str, name: str) -> bytes | None:
        return self.objects[store].get(name)

    async def delete_object(self, store: str, name: str) -> None:
        self.objects[store].pop(name, None)

    async def ensure_bucket(self, bucket: str, *, ttl_seconds: float) -> None:
        self.buckets.setdefault(bucket, {})

    async def kv_get(self, bucket: str, key: str) -> bytes | None:
        return self.buckets[bucket].get(key)

    async def kv_put(self, bucket: str, key: str, value: bytes) -> None:
        self.buckets[bucket][key] = value

    async def kv_create(self, bucket: str, key: str, value: bytes) -> bool:
        if key in self.buckets[bucket]:
            return False
        self.buckets[bucket][key] = value
        return True

    async def kv_delete(self, bucket: str, key: str) -> None:
        self.buckets[bucket].pop(key, None)

    async def first_message(
        self, stream: str, subject: str, *, from_seq: int = 1
    ) -> tuple[int, bytes] | None:
        for seq, (published_on, payload, _headers) in enumerate(self.published, start=1):
            if seq >= from_seq and published_on == subject:
                return seq, payload
        return None

    async def ensure_streams(self, specs: Any) -> None:
        return None
