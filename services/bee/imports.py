"""bee's push flow: the IMPORT_ELEVES importer, its worker and handlers, and the structure feed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.bee import rollover
from services.bee.links_import import Links, import_links, read_links
from services.bee.models import BeeImportJob, SchoolYear
from services.bee.structures_feed import applied_version, follow_structures
from services.common import subjects
from services.common.bus import Bus, rpc
from services.common.db import SessionFactory
from services.common.errors import DomainError, InvalidInput, NotFound
from services.common.import_bus import ensure_import_bus
from services.common.import_handlers import serve_imports
from services.common.import_worker import ImportWorker
from services.common.imports import (
    ImportJob,
    ImportSettings,
    Outcome,
    SchoolImportState,
    SchoolStateRequest,
    links_blocker,
)
from services.common.pull.journal import Journal, Scope
from services.common.runtime import Runtime


@dataclass
class LinksImporter:
    journal: Journal
    bus: Bus
    sessions: SessionFactory

    def check(self, job: ImportJob, data: bytes) -> Links:
        links = read_links(data)
        model = links.checked.model
        if model.uaj.upper() != job.uai or model.annee_scolaire != job.year:
            raise InvalidInput(
                f"Le fichier est celui de {model.uaj} {model.annee_scolaire}, l'import visait "
                f"{job.uai} {job.year}.",
                code="fichier-autre-etablissement",
            )
        return links

    async def gate(self, job: ImportJob, seq: int) -> str | None:
        """Links wait for the school's timetables pushed before them and for their structures in BEE."""
        request = SchoolStateRequest(uai=job.uai, year=job.year, before_seq=seq)
        subject = subjects.import_school_state("sts")
        try:
            sts = await rpc.ask(self.bus, subject, request, SchoolImportState, within=5.0)
        except DomainError:
            return "STS ne répond pas : l'ordre avec les imports d'emploi du temps ne peut être vérifié."
        async with self.sessions() as session:
            is_open, version = await school_facts(session, job.uai, job.year)
        bee = SchoolImportState(
            service="bee", uai=job.uai, year=job.year, annee_ouverte=is_open, version_structures=version
        )
        return links_blocker(sts, bee)

    async def apply(self, session: AsyncSession, job: ImportJob, checked: Links) -> Outcome:
        await rollover.ensure_open(session, Scope(job.uai, job.year))  # N+1 waits for BEE's bascule
        if await session.get(SchoolYear, (job.uai, job.year)) is None:
            raise NotFound(
                f"La base élèves ne détient pas l'année {job.year}-{job.year + 1} de l'établissement "
                f"{job.uai}.",
                code="annee-inconnue",
            )
        return await import_links(session, self.journal, job, checked)


async def school_facts(session: AsyncSession, uai: str, year: int) -> tuple[bool, int]:
    return await rollover.is_open(session, Scope(uai, year)), await applied_version(session, uai, year)


async def start_imports(runtime: Runtime, journal: Journal, settings: ImportSettings) -> ImportWorker:
    await ensure_import_bus(runtime.bus)
    await follow_structures(runtime.bus, runtime.sessions, journal)
    importer = LinksImporter(journal, runtime.bus, runtime.sessions)
    worker = ImportWorker("bee", runtime.bus, runtime.sessions, BeeImportJob, importer, settings)
    await serve_imports(worker, school_facts)
    await worker.start()
    return worker
