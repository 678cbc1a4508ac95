"""sts's push flow: the EDT_STS importer, its worker and handlers, and the structure feed to bee."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import InvalidInput, NotFound
from services.common.import_bus import ensure_import_bus
from services.common.import_handlers import serve_imports
from services.common.import_worker import ImportWorker
from services.common.imports import ImportJob, ImportSettings, Outcome
from services.common.pull.journal import Journal, Scope
from services.common.runtime import Runtime
from services.sts import rollover
from services.sts.models import StsImportJob, StsSchoolYear
from services.sts.structures_feed import StructuresPublisher, structure_version
from services.sts.timetable_import import Timetable, import_timetable, read_timetable


@dataclass
class TimetableImporter:
    journal: Journal

    def check(self, job: ImportJob, data: bytes) -> Timetable:
        timetable = read_timetable(data)
        ensure_same_school(job, timetable.checked.model.uaj, timetable.checked.model.annee_scolaire)
        return timetable

    async def gate(self, job: ImportJob, seq: int) -> str | None:
        return None  # a timetable waits for nothing but the school's earlier jobs

    async def apply(self, session: AsyncSession, job: ImportJob, checked: Timetable) -> Outcome:
        await rollover.ensure_open(session, Scope(job.uai, job.year))  # N+1 waits for STS's bascule
        if await session.get(StsSchoolYear, (job.uai, job.year)) is None:
            raise NotFound(
                f"STS ne détient pas l'année {job.year}-{job.year + 1} de l'établissement {job.uai} : "
                "chargez d'abord ses structures.",
                code="annee-inconnue",
            )
        return await import_timetable(session, self.journal, job, checked)


def ensure_same_school(job: ImportJob, uai: str, year: int) -> None:
    """The gateway compared the file with the URL already; a job crafted otherwise is refused here too."""
    if uai.upper() != job.uai or year != job.year:
        raise InvalidInput(
            f"Le fichier est celui de {uai} {year}, l'import visait {job.uai} {job.year}.",
            code="fichier-autre-etablissement",
        )


async def school_facts(session: AsyncSession, uai: str, year: int) -> tuple[bool, int]:
    scope = Scope(uai, year)
    return await rollover.is_open(session, scope), await structure_version(session, scope)


@dataclass
class StsImports:
    worker: ImportWorker
    publisher: StructuresPublisher

    async def close(self) -> None:
        await self.publisher.close()


async def start_imports(runtime: Runtime, journal: Journal, settings: ImportSettings) -> StsImports:
    await ensure_import_bus(runtime.bus)
    publisher = StructuresPublisher(runtime.bus, runtime.sessions)

    async def after_applied(_job: ImportJob) -> None:
        publisher.wake()

    worker = ImportWorker(
        "sts",
        runtime.bus,
        runtime.sessions,
        StsImportJob,
        TimetableImporter(journal),
        settings,
        after_applied,
    )
    publisher.start()
    await serve_imports(worker, school_facts)
    await worker.start()
    return StsImports(worker, publisher)
