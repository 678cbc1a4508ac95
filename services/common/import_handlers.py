"""Request/reply handlers of an importing service: a sync's status, a dry run, a school's sequencing state.

One handler per subject, typed message in, worker or table call, model out (errors travel back as
problems, see :mod:`services.common.bus.rpc`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.bus import rpc
from services.common.errors import NotFound
from services.common.import_bus import pending_jobs
from services.common.import_jobs import held_of
from services.common.import_worker import ImportWorker
from services.common.imports import (
    ImportJob,
    ImportKind,
    ImportStatus,
    SchoolImportState,
    SchoolStateRequest,
    StatusRequest,
)

# (year open?, version of the structures this service holds) for a school year
SchoolFacts = Callable[[AsyncSession, str, int], Awaitable[tuple[bool, int]]]


async def serve_imports(worker: ImportWorker, facts: SchoolFacts) -> None:
    service, bus = worker.service, worker.bus

    async def on_status(request: StatusRequest) -> ImportStatus:
        async with worker.sessions() as session:
            row = await session.get(worker.table, request.sync_id)
        if row is None:
            raise NotFound("Synchronisation inconnue de ce service.", code="sync-inconnue")
        return row.status()

    async def on_simulation(job: ImportJob) -> ImportStatus:
        job = job.model_copy(update={"simulation": True})
        return (await worker.simulate(job)).status()

    async def on_school(request: SchoolStateRequest) -> SchoolImportState:
        async with worker.sessions() as session:
            is_open, version = await facts(session, request.uai, request.year)
            held = await held_of(session, worker.table, request.uai, request.year)
        subject = subjects.import_subject(service, request.uai, request.year)
        pending = [
            job.sync_id
            for seq, job in await pending_jobs(bus, subject)
            if (job.kind is ImportKind.JOB or job.approve)
            and (request.before_seq is None or seq < request.before_seq)
        ]
        return SchoolImportState(
            service=service,
            uai=request.uai,
            year=request.year,
            annee_ouverte=is_open,
            version_structures=version,
            imports_en_cours=pending,
            imports_retenus=held,
        )

    await rpc.serve(bus, subjects.import_status(service), service, StatusRequest, ImportStatus, on_status)
    await rpc.serve(bus, subjects.import_simulation(service), service, ImportJob, ImportStatus, on_simulation)
    await rpc.serve(
        bus, subjects.import_school_state(service), service, SchoolStateRequest, SchoolImportState, on_school
    )
