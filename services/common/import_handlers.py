"""Request/reply handlers of an importing service: a sync's status, a dry run, a school's sequencing state.

One handler per subject, typed message in, worker or table call, model out (errors travel back as
problems, see :func:`services.common.import_bus.serve_json`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import subjects
from services.common.errors import NotFound
from services.common.import_bus import pending_jobs, serve_json
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

    async def on_status(data: bytes) -> ImportStatus:
        request = StatusRequest.model_validate_json(data)
        async with worker.sessions() as session:
            row = await session.get(worker.table, request.sync_id)
        if row is None:
            raise NotFound("Synchronisation inconnue de ce service.", code="sync-inconnue")
        return row.status()

    async def on_simulation(data: bytes) -> ImportStatus:
        job = ImportJob.model_validate_json(data).model_copy(update={"simulation": True})
        return (await worker.simulate(job)).status()

    async def on_school(data: bytes) -> SchoolImportState:
        request = SchoolStateRequest.model_validate_json(data)
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

    await serve_json(bus, subjects.import_status(service), service, on_status)
    await serve_json(bus, subjects.import_simulation(service), service, on_simulation)
    await serve_json(bus, subjects.import_school_state(service), service, on_school)
