"""GIN-WEB's business metrics: how many editor certificates are valid, and how many expire soon."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from services.common.db import transaction
from services.common.metrics import HttpMetrics
from services.common.runtime import Runtime
from services.ginweb.models import Certificate

HORIZONS = {"7j": timedelta(days=7), "30j": timedelta(days=30), "90j": timedelta(days=90)}
# Schools start the year on 1 September: a certificate that lapses before then breaks the rentrée.
BEFORE_RENTREE = "rentree"


def next_rentree(now: datetime) -> datetime:
    """The next 1 September (00:00 UTC) strictly after ``now``."""
    this_year = datetime(now.year, 9, 1, tzinfo=UTC)
    return this_year if now < this_year else datetime(now.year + 1, 9, 1, tzinfo=UTC)


def watch_certificates(metrics: HttpMetrics, runtime_of: Callable[[], Runtime | None]) -> None:
    valid = metrics.gauge("netsynchro_certificates_valid", "Editor certificates neither expired nor revoked")
    expiring = metrics.gauge(
        "netsynchro_certificates_expiring",
        "Valid editor certificates expiring within the horizon (7j, 30j, 90j, rentree = before 1 September)",
        ("horizon",),
    )

    async def certificates() -> None:
        runtime = runtime_of()
        if runtime is None:
            return
        now = datetime.now(UTC)
        limits = {name: now + span for name, span in HORIZONS.items()} | {BEFORE_RENTREE: next_rentree(now)}
        alive = (col(Certificate.revoked_at).is_(None), col(Certificate.not_after) > now)
        async with transaction(runtime.sessions) as db:
            valid.set((await db.exec(select(func.count()).where(*alive))).one())
            for name, limit in limits.items():
                count = (
                    await db.exec(select(func.count()).where(*alive, col(Certificate.not_after) <= limit))
                ).one()
                expiring.labels(name).set(count)

    metrics.add_sampler(certificates)
