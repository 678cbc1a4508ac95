"""Reading the journal: filtered, sorted, paginated lists of syncs, and one sync with its timeline.

Pages are sorted on ``(started_at, sync_id)``, a total order, so no sync is skipped or shown twice
between pages. Two ways to page: ``offset`` (simple, the console's page numbers) and ``after`` (a
keyset cursor: the cost of a page does not grow with its depth, for API clients walking the journal).
The total is counted up to :data:`TOTAL_CAP` only: an exact count over a million syncs would cost more
than the page itself, and nobody pages that far.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.contracts import ReportEntry
from services.common.errors import InvalidInput, NotFound
from services.supervision.models import SyncEventRecord, SyncRecord, SyncReport
from services.supervision.scope import Scope

TOTAL_CAP = 1_000


@dataclass(frozen=True)
class SyncFilter:
    academie: str | None = None
    uai: str | None = None
    editor: str | None = None
    product: str | None = None
    flow: str | None = None
    states: tuple[str, ...] = ()
    direction: str | None = None
    year: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    offset: int = 0
    after: str | None = None  # a cursor from a previous page
    newest_first: bool = True


@dataclass(frozen=True)
class SyncPageResult:
    items: Sequence[SyncRecord]
    total: int
    total_is_exact: bool
    next_cursor: str | None


def filter_conditions(query: SyncFilter, scope: Scope) -> list[ColumnElement[bool]]:
    equal = (
        (col(SyncRecord.academie), query.academie),
        (col(SyncRecord.uai), query.uai),
        (col(SyncRecord.editor), query.editor),
        (col(SyncRecord.product), query.product),
        (col(SyncRecord.flow), query.flow),
        (col(SyncRecord.direction), query.direction),
        (col(SyncRecord.year), query.year),
    )
    conditions: list[ColumnElement[bool]] = [column == value for column, value in equal if value is not None]
    if query.states:
        conditions.append(col(SyncRecord.state).in_(query.states))
    if query.since is not None:
        conditions.append(col(SyncRecord.started_at) >= query.since)
    if query.until is not None:
        conditions.append(col(SyncRecord.started_at) < query.until)
    restriction = scope.condition(col(SyncRecord.academie))
    if restriction is not None:
        conditions.append(restriction)
    return conditions


async def list_syncs(
    session: AsyncSession, query: SyncFilter, page: PageRequest, scope: Scope
) -> SyncPageResult:
    conditions = filter_conditions(query, scope)
    started, sync_id = col(SyncRecord.started_at), col(SyncRecord.sync_id)
    ordering = (started.desc(), sync_id.desc()) if page.newest_first else (started.asc(), sync_id.asc())
    statement = select(SyncRecord).where(*conditions).order_by(*ordering).limit(page.limit + 1)
    if page.after is not None:
        statement = statement.where(_after(page.after, newest_first=page.newest_first))
    else:
        statement = statement.offset(page.offset)
    rows = list((await session.exec(statement)).all())
    items, more = rows[: page.limit], len(rows) > page.limit
    total = await _capped_count(session, conditions)
    cursor = _cursor_of(items[-1]) if more and items else None
    return SyncPageResult(items, min(total, TOTAL_CAP), total <= TOTAL_CAP, cursor)


async def _capped_count(session: AsyncSession, conditions: list[ColumnElement[bool]]) -> int:
    matching = select(col(SyncRecord.sync_id)).where(*conditions).limit(TOTAL_CAP + 1).subquery()
    return (await session.exec(select(func.count()).select_from(matching))).one()


def _cursor_of(record: SyncRecord) -> str:
    raw = f"{record.started_at.isoformat()}|{record.sync_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str, *, newest_first: bool) -> ColumnElement[bool]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, sync_id = raw.split("|", 1)
        started_at = datetime.fromisoformat(moment)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidInput("Le curseur de pagination est invalide.", code="curseur-invalide") from error
    started, identifier = col(SyncRecord.started_at), col(SyncRecord.sync_id)
    if newest_first:
        return or_(started < started_at, and_(started == started_at, identifier < sync_id))
    return or_(started > started_at, and_(started == started_at, identifier > sync_id))


@dataclass(frozen=True)
class SyncFull:
    record: SyncRecord
    events: Sequence[SyncEventRecord]
    report: list[ReportEntry]


async def get_sync(session: AsyncSession, sync_id: str, scope: Scope) -> SyncFull:
    """One sync with its timeline and report; a sync outside the scope does not exist for this reader."""
    record = await session.get(SyncRecord, sync_id)
    if record is None or not scope.allows(record.academie):
        raise NotFound(f"Aucune synchronisation « {sync_id} ».", code="synchronisation-introuvable")
    events = await session.exec(
        select(SyncEventRecord)
        .where(SyncEventRecord.sync_id == sync_id)
        .order_by(col(SyncEventRecord.occurred_at), col(SyncEventRecord.event_id))
    )
    report = await session.get(SyncReport, sync_id)
    entries = [ReportEntry.model_validate(entry) for entry in report.entries] if report else []
    return SyncFull(record, events.all(), entries)
