"""Records ⇄ JSON data: what goes in comes back out, typed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time

from services.common.records import from_data, to_data


@dataclass(slots=True)
class Child:
    code: str
    born: date | None = None


@dataclass(slots=True)
class Parent:
    name: str
    at: datetime
    starts: time
    children: list[Child] = field(default_factory=list)
    optional_children: list[Child] | None = None
    extra: dict[str, int] = field(default_factory=dict)


def test_round_trip_through_json_keeps_types_and_leading_zeros() -> None:
    record = Parent(
        name="0042",
        at=datetime(2026, 9, 1, 8, 30),
        starts=time(8, 0),
        children=[Child("6 A", date(2014, 2, 28)), Child("6B")],
        extra={"n": 3},
    )
    data = json.loads(json.dumps(to_data(record)))
    assert data["children"][0]["born"] == "2014-02-28"
    assert from_data(Parent, data) == record


def test_absent_optional_list_stays_none_and_empty_list_stays_empty() -> None:
    record = Parent(name="x", at=datetime(2026, 1, 1), starts=time(9, 0), children=[], optional_children=None)
    rebuilt = from_data(Parent, to_data(record))
    assert rebuilt.children == []
    assert rebuilt.optional_children is None
