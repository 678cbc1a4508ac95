"""The bus side of push flows: streams and buckets, pushed files, jobs, and the per-school queue.

Everything is created idempotently by whoever starts first (gateway, sts, bee, supervision). Files and
records go through the :class:`~services.common.bus.Bus`'s object-store and key-value methods.
"""

from __future__ import annotations

from typing import TypeVar

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
    await bus.ensure_object_store(
        subjects.IMPORT_PAYLOADS,
        description="Pushed files, by sync id.",
        ttl_seconds=subjects.IMPORT_PAYLOAD_TTL_SECONDS,
    )
    for bucket in (subjects.IMPORT_SYNCS, subjects.IMPORT_IDEMPOTENCY):
        await bus.ensure_bucket(bucket, ttl_seconds=subjects.IMPORT_KV_TTL_SECONDS)


async def store_payload(bus: Bus, sync_id: str, data: bytes) -> None:
    """Durably keep a pushed file (chunked by the object store: it may exceed a message's 1 MB)."""
    await bus.put_object(subjects.IMPORT_PAYLOADS, sync_id, data)


async def load_payload(bus: Bus, sync_id: str) -> bytes:
    found = await bus.get_object(subjects.IMPORT_PAYLOADS, sync_id)
    if found is None:
        raise NotFound("Le fichier de cet import n'est plus disponible.", code="fichier-import-introuvable")
    return found


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
    while len(found) < limit and (
        message := await bus.first_message(subjects.IMPORTS.name, subject, from_seq=seq)
    ):
        found.append((message[0], ImportJob.from_bytes(message[1])))
        seq = message[0] + 1
    return found


async def oldest_pending(bus: Bus, subject: str) -> int | None:
    """The stream sequence of the oldest message still queued on ``subject``."""
    message = await bus.first_message(subjects.IMPORTS.name, subject)
    return message[0] if message else None


async def publish_event(bus: Bus, event: SyncEvent) -> None:
    subject = subjects.sync_event_subject(event.uai or "", event.state.value)
    await bus.publish_durable(subject, event.to_bytes(), msg_id=event.event_id)
