"""BEE's rollover subjects: its facts, the académie's nomenclatures, the catalogue STS profiles from, and
the académie's bascule (school by school, each in its own transaction, each an audited event).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.bee import rollover, rollover_copy
from services.common import subjects
from services.common.academies import Academie
from services.common.bus import Bus, rpc
from services.common.bus.rpc import ask
from services.common.contracts import RolloverDetails
from services.common.db import transaction
from services.common.errors import InvalidInput
from services.common.formats.bee_nomenclatures import read_bee_nomenclatures
from services.common.imports import StructureSnapshot
from services.common.pull.journal import Journal, Scope
from services.common.rollover import (
    BeeBascule,
    BeeBasculeReport,
    BeeFacts,
    Catalogue,
    CatalogueRequest,
    LoadNomenclatures,
    RolloverQuery,
    Step,
    StepOutcome,
    StsFacts,
    school_year,
)
from services.common.rollover_bus import attempt, take_file
from services.common.runtime import Runtime


@dataclass(frozen=True)
class BeeRolloverHandlers:
    runtime: Runtime
    journal: Journal

    async def status(self, query: RolloverQuery) -> BeeFacts:
        async with self.runtime.sessions() as session:
            return await rollover.facts(session, Scope(query.uai, query.year))

    async def catalogue(self, request: CatalogueRequest) -> Catalogue:
        async with self.runtime.sessions() as session:
            return await rollover.catalogue_for(session, request)

    async def load_nomenclatures(self, command: LoadNomenclatures) -> StepOutcome:
        async def run() -> StepOutcome:
            academie = rollover.academie_named(command.academie)
            data = await take_file(self._bus, command.object_name)
            document = await asyncio.to_thread(read_bee_nomenclatures, data)  # lxml: off the event loop
            async with transaction(self.runtime.sessions) as session:
                count = await rollover.store_academie_nomenclatures(
                    session, academie, command.year, document, data
                )
            message = f"Nomenclatures {school_year(command.year)} de l'académie {academie.name} chargées."
            return StepOutcome(
                etape=step, annee=command.year, faite=True, message=message, compteurs={"codes": count}
            )

        step = Step.CHARGEMENT_NOMENCLATURES
        return await attempt(
            self._bus, step, None, command.year, run, RolloverDetails(academie=command.academie)
        )

    async def bascule(self, command: BeeBascule) -> BeeBasculeReport:
        academie, schools = await self._schools(command)
        outcomes = [await self._bascule_school(Scope(uai, command.year)) for uai in schools]
        return BeeBasculeReport(annee=command.year, academie=academie.slug, etablissements=outcomes)

    async def _schools(self, command: BeeBascule) -> tuple[Academie, list[str]]:
        if command.uai is not None:
            return rollover.academie_of(command.uai), [command.uai]
        if command.academie is None:
            raise InvalidInput("Nommez une académie ou un établissement.", code="bascule-sans-cible")
        academie = rollover.academie_named(command.academie)
        async with self.runtime.sessions() as session:
            return academie, await rollover.schools_to_bascule(session, academie, command.year)

    async def _bascule_school(self, scope: Scope) -> StepOutcome:
        async def run() -> StepOutcome:
            async with self.runtime.sessions() as session:
                await rollover_copy.ensure_ready(session, scope)
            query = RolloverQuery(uai=scope.uai, year=scope.year)
            sts = await ask(self._bus, subjects.STS_ROLLOVER_STATUS, query, StsFacts, within=self._timeout)
            rollover_copy.ensure_sts_done(sts)
            snapshot = await ask(
                self._bus, subjects.STS_ROLLOVER_STRUCTURES, query, StructureSnapshot, within=self._timeout
            )
            async with transaction(self.runtime.sessions) as session:
                counts = await rollover_copy.bascule(session, self.journal, scope, sts, snapshot)
            message = (
                f"Bascule BEE vers {school_year(scope.year)} faite : {counts['eleves']} élèves reconduits."
            )
            return StepOutcome(
                etape=Step.BASCULE_BEE,
                uai=scope.uai,
                annee=scope.year,
                faite=True,
                message=message,
                compteurs=counts,
            )

        return await attempt(self._bus, Step.BASCULE_BEE, scope.uai, scope.year, run)

    @property
    def _bus(self) -> Bus:
        return self.runtime.bus

    @property
    def _timeout(self) -> float:
        return self.runtime.bus.settings.request_timeout


async def serve_rollover(runtime: Runtime, journal: Journal) -> None:
    handlers = BeeRolloverHandlers(runtime, journal)
    bus, queue = runtime.bus, subjects.BEE_QUEUE
    await rpc.serve(bus, subjects.BEE_ROLLOVER_STATUS, queue, RolloverQuery, BeeFacts, handlers.status)
    await rpc.serve(
        bus, subjects.BEE_ROLLOVER_CATALOGUE, queue, CatalogueRequest, Catalogue, handlers.catalogue
    )
    await rpc.serve(
        bus, subjects.BEE_ROLLOVER_NOMENCLATURES, queue, LoadNomenclatures, StepOutcome,
        handlers.load_nomenclatures,
    )  # fmt: skip
    await rpc.serve(bus, subjects.BEE_ROLLOVER_BASCULE, queue, BeeBascule, BeeBasculeReport, handlers.bascule)
