"""Query parameters shared by the API and the pages: the sync filter, written once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Path, Query

from services.common.errors import InvalidInput
from services.supervision.deps import ScopeDep
from services.supervision.localtime import PARIS
from services.supervision.queries import SyncFilter


async def sync_filter(
    scope: ScopeDep,
    academie: str | None = None,
    uai: str | None = None,
    editor: str | None = None,
    product: str | None = None,
    flow: str | None = None,
    state: Annotated[list[str] | None, Query()] = None,
    direction: str | None = None,
    year: Annotated[str | None, Query(pattern=r"^(\d{4})?$")] = None,
    since: str | None = None,
    until: str | None = None,
) -> SyncFilter:
    """Empty strings (an untouched select of a form) mean "any"; an académie outside the scope is refused."""
    query = SyncFilter(
        academie=academie or None,
        uai=(uai or "").strip().upper() or None,
        editor=editor or None,
        product=product or None,
        flow=flow or None,
        states=tuple(s for s in state or () if s),
        direction=direction or None,
        year=int(year) if year else None,
        since=as_utc(moment(since, "since")),
        until=as_utc(moment(until, "until")),
    )
    if query.academie is not None:
        scope.require(query.academie)
    return query


def moment(text: str | None, name: str) -> datetime | None:
    """An ISO 8601 time; forms send an empty field for "any"."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"« {text} » n'est pas une date ISO 8601 ({name}).", code="date-invalide"
        ) from None


def as_utc(moment: datetime | None) -> datetime | None:
    """A time without zone (a form's ``datetime-local``) is the supervisor's local time, as displayed."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=PARIS or UTC).astimezone(UTC)


SyncFilterDep = Annotated[SyncFilter, Depends(sync_filter)]
# A row id as the databases store it (PostgreSQL's INTEGER): a larger one is a 400, never a 500.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
