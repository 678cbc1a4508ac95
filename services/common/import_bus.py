"""The bus side of push flows: streams and buckets, pushed files, jobs, and the per-school queue.

Everything is created idempotently by whoever starts first (gateway, sts, bee, supervision). IMPORTS is a
work-queue stream: :class:`~services.common.bus.Bus.ensure_streams` creates limits streams only, so it is
created here with its retention.
"""

from __future__ import annotations

import contextlib
from typing import TypeVar

from nats.js.api import (
    KeyValueConfig,
    ObjectStoreConfig,
    StorageType,
)
from nats.js.errors import NotFoundError
from nats.js.errors import ObjectNotFoundError as NatsObjectNotFound
from nats.js.kv import KeyValue
from nats.js.object_store import ObjectStore
from pydantic import BaseModel

from services.common import subjects
from services.common.bus import Bus
from services.common.bus.consumers import SYNC_ID_HEADER
from services.common.errors import NotFound
from services.common.events import SyncEvent
from services.common.imports import ImportJob

M = TypeVar("M", bound=BaseModel)


async def ensure_import_bus(bus: Bus) -> None:
    """The IMPORTS work queue, the STRUCTURES stream, the payload store and the two KV buckets."""
    await bus.ensure_streams([subjects.IMPORTS])
    await bus.ensure_streams([subjects.STRUCTURES, subjects.SYNC_EVENTS])
    replicas = bus.settings.replicas
    await bus.js.create_object_store(
        subjects.IMPORT_PAYLOADS,
        config=ObjectStoreConfig(
            description="Pushed files, by sync id.",
            ttl=subjects.IMPORT_PAYLOAD_TTL_SECONDS,
            storage=StorageType.FILE,
            replicas=replicas,
        ),
    )
    for bucket in (subjects.IMPORT_SYNCS, subjects.IMPORT_IDEMPOTENCY):
        await bus.js.create_key_value(
            KeyValueConfig(
                bucket=bucket, ttl=subjects.IMPORT_KV_TTL_SECONDS, storage=StorageType.FILE, replicas=replicas
            )
        )


async def payloads(bus: Bus) -> ObjectStore:
    return await bus.js.object_store(subjects.IMPORT_PAYLOADS)


async def store_payload(bus: Bus, sync_id: str, data: bytes) -> None:
    """Durably keep a pushed file (chunked by the object store: it may exceed a message's 1 MB)."""
    await (await payloads(bus)).put(sync_id, data)


async def load_payload(bus: Bus, sync_id: str) -> bytes:
    try:
        found = await (await payloads(bus)).get(sync_id)
    except NatsObjectNotFound as error:
        raise NotFound(
            "Le fichier de cet import n'est plus disponible.", code="fichier-import-introuvable"
        ) from error
    return found.data or b""


async def queue_job(bus: Bus, job: ImportJob, *, msg_id: str | None = None) -> int:
    """Queue a job on its school's subject; the server drops a second publish of the same id."""
    subject = subjects.import_subject(job.service, job.uai, job.year)
    ack = await bus.publish_durable(
        subject, job.to_bytes(), msg_id=msg_id or job.sync_id, headers={SYNC_ID_HEADER: job.sync_id}
    )
    return int(ack.seq)


async def pending_jobs(bus: Bus, subject: str, *, limit: int = 32) -> list[tuple[int, ImportJob]]:
    """The jobs still in the work queue on ``subject`` (queued or running), oldest first."""
    found: list[tuple[int, ImportJob]] = []
    seq = 1
    while len(found) < limit:
        try:
            raw = await bus.js.get_msg(subjects.IMPORTS.name, seq=seq, subject=subject, next=True)
        except NotFoundError:
            break
        found.append((int(raw.seq or 0), ImportJob.from_bytes(raw.data or b"")))
        seq = int(raw.seq or 0) + 1
    return found


async def oldest_pending(bus: Bus, subject: str) -> int | None:
    """The stream sequence of the oldest message still queued on ``subject``."""
    with contextlib.suppress(NotFoundError):
        raw = await bus.js.get_msg(subjects.IMPORTS.name, seq=1, subject=subject, next=True)
        return int(raw.seq or 0)
    return None


async def publish_event(bus: Bus, event: SyncEvent) -> None:
    subject = subjects.sync_event_subject(event.uai or "", event.state.value)
    await bus.publish_durable(subject, event.to_bytes(), msg_id=event.event_id)


async def key_value(bus: Bus, bucket: str) -> KeyValue:
    return await bus.js.key_value(bucket)
