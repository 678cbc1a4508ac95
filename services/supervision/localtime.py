"""Times are stored in UTC and shown to supervisors at metropolitan French time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _paris() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # a system without tzdata: show UTC rather than fail
        return None


PARIS = _paris()


def local_time(moment: datetime | None, fmt: str = "%d/%m/%Y %H:%M:%S") -> str:
    if moment is None:
        return "—"
    return moment.astimezone(PARIS).strftime(fmt) if PARIS else moment.strftime(fmt)
