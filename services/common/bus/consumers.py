"""Durable pull consumers: the loop that fetches, runs the handler and settles each message.

Replicas of a service share a durable consumer, so each message is handled once. What happens to a
message after its handler ran is decided by :func:`services.common.bus.acks.decide`, nowhere else. A
loop outlives leader elections and reconnections: errors of the bus only pause it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import nats
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig

from services.common.bus.acks import DEFAULT_BACKOFF, Disposition, decide
from services.common.logging import sync_id_var

log = logging.getLogger(__name__)

MessageHandler = Callable[[Msg], Awaitable[None]]
# A batch handler returns, for each message in order, None (done) or the error that message met.
BatchHandler = Callable[[Sequence[Msg]], Awaitable[Sequence[BaseException | None]]]
TerminationReporter = Callable[[Msg, BaseException], Awaitable[None]]
SYNC_ID_HEADER = "Sync-Id"


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable pull consumer: replicas of a service share it, so each message is handled once."""

    stream: str
    durable: str
    filter_subject: str
    max_deliver: int = 10
    ack_wait_seconds: float = 30.0
    batch: int = 64
    max_ack_pending: int = 1000
    backoff: Sequence[float] = field(default=DEFAULT_BACKOFF)


async def durable_subscription(js: JetStreamContext, spec: ConsumerSpec) -> JetStreamContext.PullSubscription:
    config = ConsumerConfig(
        durable_name=spec.durable,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=spec.ack_wait_seconds,
        max_deliver=spec.max_deliver,
        filter_subject=spec.filter_subject,
        max_ack_pending=spec.max_ack_pending,
    )
    return await js.pull_subscribe(
        spec.filter_subject, durable=spec.durable, stream=spec.stream, config=config
    )


class PullConsumer:
    """One consumer's loop; it stops when ``stopping`` is set (by the bus's close)."""

    def __init__(
        self,
        subscription: JetStreamContext.PullSubscription,
        spec: ConsumerSpec,
        stopping: asyncio.Event,
        on_terminated: TerminationReporter | None = None,
    ) -> None:
        self.subscription = subscription
        self.spec = spec
        self.stopping = stopping
        self.on_terminated = on_terminated
        self._failures = 0

    async def run_each(self, handler: MessageHandler) -> None:
        while not self.stopping.is_set():
            for msg in await self.fetch():
                token = sync_id_var.set((msg.headers or {}).get(SYNC_ID_HEADER))
                error: BaseException | None = None
                try:
                    await handler(msg)
                except Exception as caught:
                    error = caught
                finally:
                    sync_id_var.reset(token)
                await self.settle(msg, error)

    async def run_batches(self, handler: BatchHandler) -> None:
        while not self.stopping.is_set():
            messages = await self.fetch()
            if not messages:
                continue
            try:
                errors: Sequence[BaseException | None] = await handler(messages)
            except Exception as caught:  # the whole batch failed: each message shares the error
                errors = [caught] * len(messages)
            for msg, error in zip(messages, errors, strict=True):
                await self.settle(msg, error)

    async def fetch(self) -> list[Msg]:
        """The next batch, or nothing."""
        try:
            messages: list[Msg] = await self.subscription.fetch(self.spec.batch, timeout=1.0)
        except (TimeoutError, NatsTimeoutError):
            return []
        except nats.errors.ConnectionClosedError:
            self.stopping.set()  # closed for good: only the bus's close() does that
            return []
        except nats.errors.Error as error:
            self._failures += 1
            log.warning("fetch from %s failed (%r): pausing", self.spec.durable, error)
            await asyncio.sleep(min(0.2 * 2**self._failures, 5.0))
            return []
        self._failures = 0
        return messages

    async def settle(self, msg: Msg, error: BaseException | None) -> None:
        spec = self.spec
        decision = decide(
            error, delivered=msg.metadata.num_delivered, max_deliver=spec.max_deliver, backoff=spec.backoff
        )
        await _apply(msg, decision.disposition, decision.delay)
        if error is not None:
            log.warning("%s on %s: %r", decision.disposition.value, msg.subject, error)
        if decision.disposition is Disposition.TERM and self.on_terminated is not None and error is not None:
            await self.on_terminated(msg, error)


async def _apply(msg: Msg, disposition: Disposition, delay: float | None) -> None:
    """Send the acknowledgement. If it cannot leave (the connection is gone), the message is redelivered
    after ack_wait, which idempotent handlers absorb: never let that stop the consumer loop."""
    try:
        if disposition is Disposition.ACK:
            await msg.ack()
        elif disposition is Disposition.NAK:
            await msg.nak(delay=delay)
        else:
            await msg.term()
    except nats.errors.Error as error:
        log.warning("could not %s %s: %r", disposition.value, msg.subject, error)


def log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("consumer loop crashed", exc_info=task.exception())
