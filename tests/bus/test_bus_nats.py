"""The bus wrapper against a real nats-server: deduplicated publishing, the consumer's dispositions,
chunked replies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from nats.aio.msg import Msg

from services.common.bus import Bus, ConsumerSpec, PoisonMessage, reply_chunks, reply_problem
from services.common.bus.chunks import CHUNK_SIZE
from services.common.errors import DomainError, NotFound
from services.common.localnats import NatsProcess
from services.common.settings import NatsSettings
from services.common.subjects import StreamSpec

STREAM = StreamSpec(name="TEST_JOBS", subjects=["test.jobs.>"], description="tests")


@pytest.fixture
async def bus(fresh_nats: NatsProcess) -> AsyncIterator[Bus]:
    the_bus = Bus(NatsSettings(url=fresh_nats.url, request_timeout=2), name="test")
    await the_bus.connect()
    await the_bus.ensure_streams([STREAM])
    yield the_bus
    await the_bus.close()


def spec(durable: str, **overrides: object) -> ConsumerSpec:
    values: dict[str, object] = {"max_deliver": 3, "backoff": (0.05,), "ack_wait_seconds": 5.0}
    values.update(overrides)
    return ConsumerSpec(stream=STREAM.name, durable=durable, filter_subject="test.jobs.>", **values)  # type: ignore[arg-type]


async def test_republishing_the_same_msg_id_is_deduplicated(bus: Bus) -> None:
    first = await bus.publish_durable("test.jobs.a", b"x", msg_id="job-1")
    again = await bus.publish_durable("test.jobs.a", b"x", msg_id="job-1")
    assert not first.duplicate
    assert again.duplicate
    assert again.seq == first.seq


async def test_failing_handler_is_redelivered_until_it_succeeds(bus: Bus) -> None:
    attempts: list[int] = []
    done = asyncio.Event()

    async def flaky(msg: Msg) -> None:
        attempts.append(msg.metadata.num_delivered)
        if len(attempts) < 2:
            raise RuntimeError("database locked")
        done.set()

    await bus.consume(spec("flaky"), flaky)
    await bus.publish_durable("test.jobs.b", b"x", msg_id="job-2")
    await asyncio.wait_for(done.wait(), 5)
    assert attempts == [1, 2]


async def test_poison_message_is_terminated_and_reported_once(bus: Bus) -> None:
    reported: list[str] = []
    seen: list[int] = []

    async def poison(msg: Msg) -> None:
        seen.append(msg.metadata.num_delivered)
        raise PoisonMessage("unreadable")

    async def report(msg: Msg, error: BaseException) -> None:
        reported.append(str(error))

    await bus.consume(spec("poison"), poison, on_terminated=report)
    await bus.publish_durable("test.jobs.c", b"x", msg_id="job-3")
    for _ in range(100):
        if reported:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)  # a nak instead of a term would show up as a second delivery here
    assert reported == ["unreadable"]
    assert seen == [1]


async def test_chunked_reply_streams_more_than_one_message(bus: Bus) -> None:
    body = bytes(range(256)) * (CHUNK_SIZE // 256 * 3 + 7)

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100_000):
            yield body[start : start + 100_000]

    async def serve(msg: Msg) -> None:
        assert msg.reply
        await reply_chunks(bus.nc, msg.reply, {"filename": "x.bin"}, pieces(), {"counts": {"n": 1}})

    await bus.serve("test.export", "workers", serve)
    reply = await bus.request_chunks("test.export", b"{}")
    received = b"".join([chunk async for chunk in reply.body()])
    assert received == body
    assert reply.head["filename"] == "x.bin"
    assert reply.tail["bytes"] == len(body)


async def test_problem_reply_is_raised_as_the_same_domain_error(bus: Bus) -> None:
    async def refuse(msg: Msg) -> None:
        assert msg.reply
        await reply_problem(bus.nc, msg.reply, NotFound("Année inconnue.", code="annee-inconnue"))

    await bus.serve("test.refuse", "workers", refuse)
    with pytest.raises(DomainError) as caught:
        await bus.request_chunks("test.refuse", b"{}")
    assert (caught.value.status, caught.value.code, caught.value.title) == (
        404,
        "annee-inconnue",
        "Année inconnue.",
    )


async def test_request_without_responder_times_out_as_unavailable(bus: Bus) -> None:
    with pytest.raises(DomainError) as caught:
        await bus.request_chunks("test.nobody", b"{}")
    assert caught.value.status == 503


async def test_a_lost_chunk_is_detected_instead_of_truncating_the_file(bus: Bus) -> None:
    async def skip_one(msg: Msg) -> None:
        assert msg.reply
        await bus.nc.publish(msg.reply, b'{"status": 200}', headers={"Chunk-Seq": "0", "Chunk-Kind": "head"})
        await bus.nc.publish(msg.reply, b"data", headers={"Chunk-Seq": "2", "Chunk-Kind": "data"})

    await bus.serve("test.lossy", "workers", skip_one)
    reply = await bus.request_chunks("test.lossy", b"{}")
    with pytest.raises(DomainError) as caught:
        _ = [chunk async for chunk in reply.body()]
    assert caught.value.code == "reponse-interrompue"
