"""What modules do with the bus, on the in-memory bus (no nats-server): typed request/reply with a
domain error carried back, the gateway's idempotency claims, pushed files and the per-school queue."""

from __future__ import annotations

import pytest

from services.common import subjects
from services.common.bus import rpc
from services.common.errors import NotFound, Unavailable
from services.common.import_bus import (
    ensure_import_bus,
    load_payload,
    oldest_pending,
    pending_jobs,
    queue_job,
    store_payload,
)
from services.common.imports import ImportJob, ImportStatus, StatusRequest
from services.gateway.import_records import Claim, claim, claim_key, find_claim, release
from tests.support.memory_bus import MemoryBus

UAI, YEAR = "0310053P", 2026


async def test_request_reply_and_its_domain_error_over_the_memory_bus() -> None:
    bus = MemoryBus()

    async def status(request: StatusRequest) -> ImportStatus:
        raise NotFound("Synchronisation inconnue de ce service.", code="sync-inconnue")

    sts, bee, lost = subjects.import_status("sts"), subjects.import_status("bee"), StatusRequest(sync_id="x")
    await rpc.serve(bus, sts, "sts", StatusRequest, ImportStatus, status)
    with pytest.raises(NotFound, match="Synchronisation inconnue") as raised:
        await rpc.ask(bus, sts, lost, ImportStatus, within=1)
    assert (raised.value.status, raised.value.code) == (404, "sync-inconnue")
    with pytest.raises(Unavailable) as silent:
        await rpc.ask(bus, bee, lost, ImportStatus, within=1)
    assert silent.value.code == "service-sans-reponse"


async def test_claims_files_and_the_school_queue_on_the_memory_bus() -> None:
    bus = MemoryBus()
    await ensure_import_bus(bus)
    key = claim_key(UAI, "emploi-du-temps", "cle-1")
    first, second = Claim(sync_id="A", sha256="1"), Claim(sync_id="B", sha256="2")
    assert await claim(bus, key, first) == first
    assert await claim(bus, key, second) == first  # the loser answers the winner's sync
    await release(bus, key)
    assert await find_claim(bus, key) is None

    await store_payload(bus, "A", b"<EDT_STS/>")
    assert await load_payload(bus, "A") == b"<EDT_STS/>"
    with pytest.raises(NotFound):
        await load_payload(bus, "inconnu")

    jobs = [ImportJob(sync_id=s, flow="emploi-du-temps", uai=UAI, year=YEAR) for s in ("A", "B")]
    for job in jobs:
        await queue_job(bus, job)
    await queue_job(bus, jobs[0])  # a retried publish: deduplicated
    subject = subjects.import_subject("sts", UAI, YEAR)
    assert [job.sync_id for _seq, job in await pending_jobs(bus, subject)] == ["A", "B"]
    assert await oldest_pending(bus, subject) == 1
