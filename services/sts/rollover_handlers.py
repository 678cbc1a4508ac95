"""STS's rollover subjects: its facts, the profiling and bascule commands, N+1's structures for BEE.

One handler per subject; each command runs in one transaction and emits its sync event, done or
refused (services/common/rollover_bus.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common import subjects
from services.common.bus import Bus, rpc
from services.common.bus.rpc import ask
from services.common.contracts import RolloverDetails
from services.common.db import transaction
from services.common.imports import StructureSnapshot
from services.common.pull.journal import Journal, Scope
from services.common.pull.store import Tally
from services.common.rollover import (
    Catalogue,
    CatalogueRequest,
    Profile,
    RolloverQuery,
    Step,
    StepOutcome,
    StsBascule,
    StsFacts,
    school_year,
)
from services.common.rollover_bus import attempt
from services.common.runtime import Runtime
from services.sts import rollover
from services.sts.structures_feed import bee_structures, structure_version


@dataclass(frozen=True)
class StsRolloverHandlers:
    runtime: Runtime
    journal: Journal

    async def status(self, query: RolloverQuery) -> StsFacts:
        async with self.runtime.sessions() as session:
            return await rollover.facts(session, Scope(query.uai, query.year))

    async def profile(self, command: Profile) -> StepOutcome:
        async def run() -> StepOutcome:
            async with self.runtime.sessions() as session:
                mefs, matieres = await rollover.profile_codes(session, command)
            request = CatalogueRequest(uai=command.uai, year=command.year, mefs=mefs, matieres=matieres)
            catalogue = await ask(
                self._bus, subjects.BEE_ROLLOVER_CATALOGUE, request, Catalogue, within=self._timeout
            )
            async with transaction(self.runtime.sessions) as session:
                tally = await rollover.apply_profile(session, self.journal, command, catalogue)
            counts = {"mefs": len(catalogue.mefs), "matieres": len(catalogue.matieres), **_counts(tally)}
            message = (
                f"Nomenclatures {school_year(command.year)} profilées : "
                f"{len(mefs)} MEF, {len(matieres)} matières."
            )
            return _done(Step.PROFILAGE, command.uai, command.year, message, counts)

        return await attempt(
            self._bus,
            Step.PROFILAGE,
            command.uai,
            command.year,
            run,
            RolloverDetails(reconduire=command.reconduire),
        )

    async def bascule(self, command: StsBascule) -> StepOutcome:
        async def run() -> StepOutcome:
            async with transaction(self.runtime.sessions) as session:
                tally = await rollover.bascule(session, self.journal, command)
            what = "divisions et groupes" if command.groupes else "divisions (sans les groupes)"
            message = f"Bascule STS vers {school_year(command.year)} faite : {what} reconduits."
            return _done(Step.BASCULE_STS, command.uai, command.year, message, _counts(tally))

        return await attempt(
            self._bus,
            Step.BASCULE_STS,
            command.uai,
            command.year,
            run,
            RolloverDetails(groupes=command.groupes),
        )

    async def structures(self, query: RolloverQuery) -> StructureSnapshot:
        """N+1's divisions and groups as BEE holds them, at STS's version (BEE's bascule copies them: the
        structure feed skipped them while BEE did not hold the year)."""
        scope = Scope(query.uai, query.year)
        async with self.runtime.sessions() as session:
            version = await structure_version(session, scope)
            divisions, groupes = await bee_structures(session, scope)
        return StructureSnapshot(
            uai=scope.uai, year=scope.year, version=version, divisions=divisions, groupes=groupes
        )

    @property
    def _bus(self) -> Bus:
        return self.runtime.bus

    @property
    def _timeout(self) -> float:
        return self.runtime.bus.settings.request_timeout


def _done(step: Step, uai: str, year: int, message: str, counts: dict[str, int]) -> StepOutcome:
    return StepOutcome(etape=step, uai=uai, annee=year, faite=True, message=message, compteurs=counts)


def _counts(tally: Tally) -> dict[str, int]:
    return {"ajouts": tally.added, "modifications": tally.changed, "suppressions": tally.removed}


async def serve_rollover(runtime: Runtime, journal: Journal) -> None:
    handlers = StsRolloverHandlers(runtime, journal)
    bus, queue = runtime.bus, subjects.STS_QUEUE
    await rpc.serve(bus, subjects.STS_ROLLOVER_STATUS, queue, RolloverQuery, StsFacts, handlers.status)
    await rpc.serve(bus, subjects.STS_ROLLOVER_PROFILE, queue, Profile, StepOutcome, handlers.profile)
    await rpc.serve(bus, subjects.STS_ROLLOVER_BASCULE, queue, StsBascule, StepOutcome, handlers.bascule)
    await rpc.serve(
        bus, subjects.STS_ROLLOVER_STRUCTURES, queue, RolloverQuery, StructureSnapshot, handlers.structures
    )
