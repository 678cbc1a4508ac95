"""The gateway's outbox on its own: what it keeps survives a new Outbox on the same file, in order,
once each (issue 15, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.gateway.outbox import Kept, Outbox


@pytest.mark.parametrize("on_disk", [True, False], ids=["sqlite", "memory"])
async def test_keeps_in_order_once_each_until_removed(tmp_path: Path, on_disk: bool) -> None:
    path = tmp_path / "outbox.db" if on_disk else None
    outbox = Outbox(path)
    for number in range(3):
        await outbox.add(Kept(f"e{number}", f"sync.events.x.{number}", b"%d" % number))
    await outbox.add(Kept("e1", "sync.events.x.1", b"1"))  # the same event kept twice is kept once
    if on_disk:
        outbox = Outbox(path)  # a restarted gateway finds what the previous one kept
    assert [kept.event_id for kept in await outbox.pending()] == ["e0", "e1", "e2"]
    await outbox.remove("e0")
    assert [(k.event_id, k.subject, k.payload) for k in await outbox.pending()] == [
        ("e1", "sync.events.x.1", b"1"),
        ("e2", "sync.events.x.2", b"2"),
    ]
