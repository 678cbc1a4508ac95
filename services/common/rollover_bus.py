"""The rollover over the bus: request/reply with JSON models, files too big for a message, audit events.

Requests and answers use the wire format of :mod:`services.common.diagnosis` (an answer, or
``{"problem": …}`` re-raised as the same :class:`~services.common.errors.DomainError` by the asker).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import nats.errors
from nats.aio.msg import Msg
from nats.js.api import ObjectStoreConfig, StorageType
from nats.js.errors import ObjectNotFoundError
from pydantic import BaseModel, ValidationError

from services.common import subjects
from services.common.bus import Bus
from services.common.contracts import RolloverDetails
from services.common.diagnosis import decode_reply, encode_answer, encode_problem
from services.common.errors import DomainError, InvalidInput, NotFound, Unavailable
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


async def serve_model(
    bus: Bus,
    subject: str,
    queue: str,
    request_type: type[Request],
    handler: Callable[[Request], Awaitable[BaseModel]],
) -> None:
    """Answer ``subject`` in ``queue``: the handler's model, or its domain error as a problem."""

    async def answer(msg: Msg) -> None:
        if not msg.reply:
            return
        try:
            reply = encode_answer(await handler(request_type.model_validate_json(msg.data)))
        except ValidationError as error:
            reply = encode_problem(
                InvalidInput("Demande illisible.", code="demande-invalide", detail=str(error))
            )
        except DomainError as error:
            reply = encode_problem(error)
        except Exception:
            log.exception("rollover request failed on %s", subject)
            reply = encode_problem(DomainError())
        await msg.respond(reply)

    await bus.serve(subject, queue, answer)


async def ask(bus: Bus, subject: str, request: BaseModel, answer: type[Answer], *, within: float) -> Answer:
    """Ask a service; its problem comes back as its domain error, its silence as ``service-sans-reponse``."""
    try:
        reply = await bus.nc.request(subject, request.model_dump_json().encode(), timeout=within)
    except (nats.errors.TimeoutError, nats.errors.NoRespondersError) as error:
        service = subject.split(".", 1)[0].upper()
        raise Unavailable(
            f"Le service {service} n'a pas répondu : réessayez dans un instant.", code="service-sans-reponse"
        ) from error
    return decode_reply(reply.data, answer)


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
async def _files(bus: Bus) -> Any:
    return await bus.js.create_object_store(
        subjects.ROLLOVER_FILES,
        config=ObjectStoreConfig(
            description="Files of rollover commands (an académie's nomenclatures), by object name.",
            ttl=subjects.ROLLOVER_FILES_TTL_SECONDS,
            storage=StorageType.FILE,
            replicas=bus.settings.replicas,
        ),
    )


async def put_file(bus: Bus, data: bytes) -> str:
    name = new_ulid()
    await (await _files(bus)).put(name, data)
    return name


async def take_file(bus: Bus, name: str) -> bytes:
    """The file, removed from the store once read (a command reads its file once)."""
    store = await _files(bus)
    try:
        found = await store.get(name)
    except ObjectNotFoundError as error:
        raise NotFound(
            "Le fichier de la commande n'est plus disponible.", code="fichier-introuvable"
        ) from error
    await store.delete(name)
    return found.data or b""
