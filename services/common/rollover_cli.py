"""What the operator commands of the rollover share (``services.sts.bascule``, ``services.bee.bascule``).

A command is a request to the running service over the bus, so the step runs where the data lives, in
its transaction, and is audited the same way whether an operator or a future admin UI asks. Outcomes are
printed in French, one line per school; the exit code is 0 only if every step was done.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.common.bus import Bus
from services.common.errors import DomainError
from services.common.rollover import BeeBasculeReport, RolloverStatus, StepOutcome
from services.common.rollover_bus import fetch_status
from services.common.settings import NatsSettings

T = TypeVar("T")
CONNECT_SECONDS = 5.0


async def with_bus(nats: NatsSettings, name: str, work: Callable[[Bus], Awaitable[T]]) -> T:
    """Run ``work`` on a fresh connection; a NATS that does not answer fails fast (the bus otherwise
    reconnects forever, and a command must not hang)."""
    bus = Bus(nats.model_copy(update={"connect_timeout": 2.0}), name=name)
    try:
        async with asyncio.timeout(CONNECT_SECONDS):
            await bus.connect()
        return await work(bus)
    finally:
        await bus.close()


def run(
    nats: NatsSettings, name: str, work: Callable[[Bus], Awaitable[StepOutcome | BeeBasculeReport]]
) -> int:
    try:
        answer = asyncio.run(with_bus(nats, name, work))
    except (TimeoutError, OSError) as error:
        print(f"bus injoignable ({error!r}) : le service est-il démarré ?", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"refusé [{error.code}] : {error.title}", file=sys.stderr)
        return 1
    outcomes = answer.etablissements if isinstance(answer, BeeBasculeReport) else [answer]
    for outcome in outcomes:
        print(describe(outcome), file=sys.stdout if outcome.faite else sys.stderr)
    if isinstance(answer, BeeBasculeReport) and not outcomes:
        print(f"aucun établissement de l'académie {answer.academie} à basculer", file=sys.stderr)
    return 0 if outcomes and all(outcome.faite for outcome in outcomes) else 1


def describe(outcome: StepOutcome) -> str:
    school = f"{outcome.uai} " if outcome.uai else ""
    if outcome.faite:
        counts = ", ".join(f"{name} {value}" for name, value in outcome.compteurs.items())
        return f"{school}fait : {outcome.message}" + (f" ({counts})" if counts else "")
    return f"{school}refusé [{outcome.code}] : {outcome.message}"


def show_status(nats: NatsSettings, name: str, uai: str, year: int) -> int:
    async def ask(bus: Bus) -> RolloverStatus:
        return await fetch_status(bus, uai, year, within=nats.request_timeout)

    try:
        status = asyncio.run(with_bus(nats, name, ask))
    except (TimeoutError, OSError, DomainError) as error:
        print(f"état indisponible : {error}", file=sys.stderr)
        return 2
    missing = f", étape manquante : {status.etape_manquante}" if status.etape_manquante else ""
    kind = "" if status.en_bascule else " (année hors bascule)"
    print(f"{uai} {year} : {status.etat}{missing}{kind}")
    return 0
