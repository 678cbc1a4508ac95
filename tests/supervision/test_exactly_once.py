"""With a real nats-server: events published while supervision is down wait in the stream, and are all
in the journal once it is back, none twice, even when the same events are delivered again."""

from __future__ import annotations

from sqlmodel import func, select

from services.common.db import create_engine, session_factory
from services.common.localnats import NatsProcess
from services.common.settings import DatabaseSettings
from services.supervision.models import SyncEventRecord, SyncRecord
from tests.supervision.support import (
    BORDEAUX_SCHOOL,
    TOULOUSE_SCHOOL,
    connected_bus,
    event,
    eventually,
    publish,
    running_supervision,
    supervision_settings,
)


async def journal_counts(database: DatabaseSettings) -> tuple[int, int]:
    engine = create_engine(database)
    try:
        async with session_factory(engine)() as session:
            events = (await session.exec(select(func.count()).select_from(SyncEventRecord))).one()
            syncs = (await session.exec(select(func.count()).select_from(SyncRecord))).one()
            return events, syncs
    finally:
        await engine.dispose()


async def test_events_published_while_supervision_is_down_are_recorded_once_after_restart(
    database: DatabaseSettings, fresh_nats: NatsProcess
) -> None:
    # Small batches: the catch-up goes through many fetches, acknowledgements and transactions.
    settings = supervision_settings(database, fresh_nats.url, batch=16)
    async with running_supervision(settings):
        pass  # first start: the durable consumer now exists, then supervision stops

    first = [
        event(TOULOUSE_SCHOOL if i % 2 else BORDEAUX_SCHOOL, sync_id=f"01JSYNC{i:019d}") for i in range(150)
    ]
    async with connected_bus(fresh_nats.url) as bus:
        await publish(bus, first)

    async with running_supervision(settings) as running:
        page = await running.wait_for_syncs(150)
    assert await journal_counts(database) == (150, 150)
    assert {item["uai"] for item in page["items"]} == {TOULOUSE_SCHOOL, BORDEAUX_SCHOOL}

    # Down again: new events, plus the first ones published again under new JetStream ids (a gateway
    # retrying after the server's dedup window): only the journal can refuse them now.
    second = [event(TOULOUSE_SCHOOL) for _ in range(40)]
    async with connected_bus(fresh_nats.url) as bus:
        await publish(bus, second)
        await publish(bus, first[:60], msg_id=lambda e: f"again-{e.event_id}")

    async with running_supervision(settings) as running:
        js = running.app.state.runtime.bus.js

        async def stream_consumed() -> bool:
            consumer = await js.consumer_info("SYNC_EVENTS", "supervision-journal")
            settled: bool = consumer.num_pending == consumer.num_ack_pending == 0
            return settled and consumer.delivered.stream_seq == 250

        await eventually(stream_consumed, what="the 250 messages of the stream consumed")
        async with running.api() as client:
            detail = (await client.get(f"/api/syncs/{first[0].sync_id}")).json()
    assert await journal_counts(database) == (190, 190)
    assert [e["event_id"] for e in detail["events"]] == [first[0].event_id]
