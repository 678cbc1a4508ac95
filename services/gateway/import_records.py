"""What the gateway remembers about pushes, in JetStream KV (the gateway owns nothing durable itself).

- ``IMPORT_SYNCS``: sync id → the school, year, flow and service of a push (the status endpoint asks
  that service), or the verdict itself when the gateway refused the file;
- ``IMPORT_IDEMPOTENCY``: ``<uai>.<flow>.<sha256(Idempotency-Key)>`` → the first sync of that key,
  claimed with create-only semantics, so of two racing requests the loser answers the winner's sync.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from pydantic import Field, ValidationError

from services.common import subjects
from services.common.bus import Bus
from services.common.contracts import Contract
from services.common.errors import Unavailable
from services.common.imports import ImportStatus

_SYNC_ID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


class PushRecord(Contract):
    """One push as the gateway knows it; ``refus`` is the verdict of a file the gateway refused."""

    sync_id: str
    uai: str
    year: int
    flow: str
    service: str
    simulation: bool = False
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    refus: ImportStatus | None = None


class Claim(Contract):
    """The first sync of an Idempotency-Key, the hash of its file, and whether its job is queued."""

    sync_id: str
    sha256: str
    queued: bool = False


async def save_push(bus: Bus, record: PushRecord) -> None:
    await bus.kv_put(subjects.IMPORT_SYNCS, record.sync_id, record.model_dump_json().encode())


async def find_push(bus: Bus, sync_id: str) -> PushRecord | None:
    """The push of ``sync_id``; None for an unknown (or malformed) id."""
    if not _SYNC_ID.fullmatch(sync_id):
        return None
    value = await bus.kv_get(subjects.IMPORT_SYNCS, sync_id)
    if value is None:
        return None
    try:
        return PushRecord.model_validate_json(value)
    except ValidationError:
        return None


def claim_key(uai: str, flow: str, idempotency_key: str) -> str:
    """Scoped to the certificate's school and the flow; hashed, so any header value makes a valid key."""
    return f"{uai}.{flow}.{hashlib.sha256(idempotency_key.encode()).hexdigest()}"


async def find_claim(bus: Bus, key: str) -> Claim | None:
    value = await bus.kv_get(subjects.IMPORT_IDEMPOTENCY, key)
    return Claim.model_validate_json(value) if value is not None else None


async def claim(bus: Bus, key: str, wanted: Claim) -> Claim:
    """Claim ``key`` for ``wanted``; if another request claimed it first, its claim (the winner's)."""
    if await bus.kv_create(subjects.IMPORT_IDEMPOTENCY, key, wanted.model_dump_json().encode()):
        return wanted
    found = await find_claim(bus, key)
    if found is None:  # claimed, then released, between our two reads: a retry starts afresh
        raise Unavailable("La demande concurrente vient d'échouer : réessayez.", code="import-concurrent")
    return found


async def mark_queued(bus: Bus, key: str, claimed: Claim) -> None:
    done = claimed.model_copy(update={"queued": True})
    await bus.kv_put(subjects.IMPORT_IDEMPOTENCY, key, done.model_dump_json().encode())


async def release(bus: Bus, key: str) -> None:
    """Forget a claim whose push failed before its job was queued: a retry starts afresh."""
    await bus.kv_delete(subjects.IMPORT_IDEMPOTENCY, key)
