"""The rollover over the bus: files too big for a message, audit events, both services' facts.

Requests and answers go through :mod:`services.common.bus.rpc` (``ask`` is re-exported here for the
rollover's callers); subjects and models are in :mod:`services.common.contracts.registry`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel

from services.common import subjects
from services.common.bus import Bus
from services.common.bus.rpc import ask
from services.common.contracts import RolloverDetails
from services.common.errors import DomainError, NotFound
from services.common.ids import new_ulid
from services.common.rollover import (
    BeeFacts,
    RolloverQuery,
    RolloverStatus,
    Step,
    StepOutcome,
    StsFacts,
    rollover_status,
)

log = logging.getLogger(__name__)
Request = TypeVar("Request", bound=BaseModel)
Answer = TypeVar("Answer", bound=BaseModel)


async def fetch_status(bus: Bus, uai: str, year: int, *, within: float) -> RolloverStatus:
    """Where (uai, year) stands, from both services' facts (asked at once)."""
    query = RolloverQuery(uai=uai, year=year)
    bee, sts = await asyncio.gather(
        ask(bus, subjects.BEE_ROLLOVER_STATUS, query, BeeFacts, within=within),
        ask(bus, subjects.STS_ROLLOVER_STATUS, query, StsFacts, within=within),
    )
    return rollover_status(bee, sts)


async def attempt(
    bus: Bus,
    step: Step,
    uai: str | None,
    year: int,
    run: Callable[[], Awaitable[StepOutcome]],
    details: RolloverDetails | None = None,
) -> StepOutcome:
    """Run a step; a refusal becomes an outcome too. Either way supervision is told."""
    try:
        outcome = await run()
    except DomainError as error:
        outcome = StepOutcome.refused(step, uai, year, error)
    await publish_outcome(bus, outcome, details)
    return outcome


async def publish_outcome(bus: Bus, outcome: StepOutcome, details: RolloverDetails | None = None) -> None:
    """Tell supervision. The step is already committed: a bus that stays down past the publish's own
    retries loses the event, never the step (logged)."""
    event = outcome.event(details)
    try:
        await bus.publish_durable(
            subjects.sync_event_subject(event.uai or "", event.state.value),
            event.to_bytes(),
            msg_id=event.event_id,
        )
    except DomainError:
        log.error("rollover event %s of %s not published", event.event_id, outcome.etape)


# --- files: an académie's Nomenclature.xml may pass NATS's 1 MB message cap ----------------------------
async def put_file(bus: Bus, data: bytes) -> str:
    name = new_ulid()
    await bus.ensure_object_store(
        subjects.ROLLOVER_FILES,
        description="Files of rollover commands (an académie's nomenclatures), by object name.",
        ttl_seconds=subjects.ROLLOVER_FILES_TTL_SECONDS,
    )
    await bus.put_object(subjects.ROLLOVER_FILES, name, data)
    return name


async def take_file(bus: Bus, name: str) -> bytes:
    """The file, removed from the store once read (a command reads its file once)."""
    found = await bus.get_object(subjects.ROLLOVER_FILES, name)
    if found is None:
        raise NotFound("Le fichier de la commande n'est plus disponible.", code="fichier-introuvable")
    await bus.delete_object(subjects.ROLLOVER_FILES, name)
    return found
