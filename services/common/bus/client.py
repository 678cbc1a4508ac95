"""The Bus: one NATS connection per service, with JetStream, opened and drained by the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, PubAck, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NoStreamResponseError, NotFoundError, ServiceUnavailableError
from nats.js.errors import ServerError as JetStreamServerError

from services.common.bus.acks import DEFAULT_BACKOFF, Disposition, decide
from services.common.bus.chunks import ChunkedReply
from services.common.errors import Unavailable
from services.common.logging import sync_id_var
from services.common.settings import NatsSettings
from services.common.subjects import StreamSpec

log = logging.getLogger(__name__)

# What JetStream answers while a stream has no leader, or the connection is being re-established.
_TRANSIENT_JETSTREAM: tuple[type[Exception], ...] = (
    NatsTimeoutError,
    nats.errors.NoRespondersError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.StaleConnectionError,
    nats.errors.OutboundBufferLimitError,
    NoStreamResponseError,
    ServiceUnavailableError,
    JetStreamServerError,
    NotFoundError,
)

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


class Bus:
    """Connection lifecycle, request/reply, deduplicated JetStream publishing and pull consumers."""

    def __init__(self, settings: NatsSettings, *, name: str) -> None:
        self.settings = settings
        self.name = name
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None
        self._consumers: list[asyncio.Task[None]] = []
        self._pull_subscriptions: list[JetStreamContext.PullSubscription] = []
        self._fetch_failures = 0
        self._stopping = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------------------
    async def connect(self) -> None:
        self._nc = await nats.connect(
            servers=self.settings.servers,
            name=self.name,
            connect_timeout=self.settings.connect_timeout,
            max_reconnect_attempts=-1,
            drain_timeout=5,
            reconnect_time_wait=0.5,
            error_cb=self._on_error,
        )
        self._js = self._nc.jetstream(timeout=self.settings.request_timeout)

    async def close(self) -> None:
        """Stop consumers, then drain: in-flight handlers finish and pending publishes are flushed."""
        self._stopping.set()
        for task in self._consumers:
            task.cancel()
        for task in self._consumers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for subscription in self._pull_subscriptions:
            # A pull request may still be open on the server; drain would wait for it in vain.
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(Exception):
                await self._nc.drain()

    @property
    def nc(self) -> NatsClient:
        if self._nc is None:
            raise RuntimeError("bus not connected")
        return self._nc

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("bus not connected")
        return self._js

    @property
    def is_connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def _on_error(self, error: Exception) -> None:
        log.warning("nats error: %s", error)

    # -- streams -----------------------------------------------------------------------------------
    async def ensure_streams(self, specs: Sequence[StreamSpec]) -> None:
        """Create (or update) the streams this service relies on; idempotent across replicas."""
        for spec in specs:
            config = StreamConfig(
                name=spec.name,
                subjects=spec.subjects,
                description=spec.description,
                storage=StorageType.FILE,
                max_age=spec.max_age_seconds,
                duplicate_window=spec.duplicate_window_seconds,
                max_msg_size=spec.max_msg_size,
                max_bytes=spec.max_bytes,
                num_replicas=self.settings.replicas,
            )
            try:
                await self.js.add_stream(config)
            except BadRequestError:
                await self.js.update_stream(config)

    # -- publishing --------------------------------------------------------------------------------
    async def publish_durable(
        self,
        subject: str,
        payload: bytes,
        *,
        msg_id: str,
        headers: Mapping[str, str] | None = None,
        within: float = 30.0,
    ) -> PubAck:
        """Publish to JetStream and wait for the ack. While the stream cannot answer (a leader election
        takes a few seconds on a cluster), retry with the same ``msg_id`` until ``within`` seconds have
        passed: the server deduplicates, so a publish that did land before its ack was lost is not
        stored twice."""
        all_headers = {"Nats-Msg-Id": msg_id, **(headers or {})}
        deadline = asyncio.get_running_loop().time() + within
        for attempt in itertools.count(1):
            try:
                return await self.js.publish(subject, payload, headers=all_headers)
            except _TRANSIENT_JETSTREAM as error:
                pause = min(0.1 * 2**attempt, 2.0)
                if asyncio.get_running_loop().time() + pause > deadline:
                    raise Unavailable(code="bus-indisponible") from error
                log.info("publish to %s not acknowledged (%r): retrying", subject, error)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    # -- request/reply -------------------------------------------------------------------------------
    async def serve(self, subject: str, queue: str, handler: MessageHandler) -> Subscription:
        """Answer requests on ``subject`` in a queue group; errors are logged, never silently lost."""

        async def guarded(msg: Msg) -> None:
            token = sync_id_var.set((msg.headers or {}).get(SYNC_ID_HEADER))
            try:
                await handler(msg)
            except Exception:
                log.exception("request handler failed on %s", msg.subject)
            finally:
                sync_id_var.reset(token)

        subscription = await self.nc.subscribe(subject, queue=queue, cb=guarded)
        # Once serve() returns, a request from any connection must find us: make the server hold the
        # subscription now rather than whenever the outgoing buffer is next flushed.
        await self.nc.flush()
        return subscription

    async def request_chunks(
        self, subject: str, payload: bytes, *, headers: Mapping[str, str] | None = None
    ) -> ChunkedReply:
        """Send a request whose answer comes back in chunks (see :mod:`services.common.bus.chunks`)."""
        inbox = self.nc.new_inbox()
        subscription = await self.nc.subscribe(inbox)
        reply = ChunkedReply(subscription, timeout=self.settings.request_timeout)
        try:
            await self.nc.publish(subject, payload, reply=inbox, headers=dict(headers or {}))
            await reply.read_head()
        except BaseException:
            await reply.close()
            raise
        return reply

    # -- durable consumers ---------------------------------------------------------------------------
    async def consume(
        self,
        spec: ConsumerSpec,
        handler: MessageHandler,
        *,
        on_terminated: TerminationReporter | None = None,
    ) -> None:
        """Start a background pull loop; each message is acked, nak'ed or terminated by :func:`decide`."""
        subscription = await self._durable_subscription(spec)
        task = asyncio.create_task(self._pull_loop(subscription, spec, handler, on_terminated))
        task.add_done_callback(_log_crash)
        self._consumers.append(task)

    async def consume_batches(
        self,
        spec: ConsumerSpec,
        handler: BatchHandler,
        *,
        on_terminated: TerminationReporter | None = None,
    ) -> None:
        """Like :meth:`consume`, but the handler gets each fetched batch (up to ``spec.batch`` messages)
        at once, so it can write them in one transaction; every message is still acked, nak'ed or
        terminated on its own by :func:`decide`, from the error the handler reports for it."""
        subscription = await self._durable_subscription(spec)
        task = asyncio.create_task(self._batch_loop(subscription, spec, handler, on_terminated))
        task.add_done_callback(_log_crash)
        self._consumers.append(task)

    async def _fetch(self, subscription: JetStreamContext.PullSubscription, spec: ConsumerSpec) -> list[Msg]:
        """The next batch, or nothing: a consumer loop must outlive leader elections and reconnections,
        so errors of the bus only pause it."""
        try:
            messages: list[Msg] = await subscription.fetch(spec.batch, timeout=1.0)
            self._fetch_failures = 0
            return messages
        except (TimeoutError, NatsTimeoutError):
            return []
        except nats.errors.ConnectionClosedError:
            self._stopping.set()  # closed for good: only close() does that
            return []
        except nats.errors.Error as error:
            self._fetch_failures += 1
            log.warning("fetch from %s failed (%r): pausing", spec.durable, error)
            await asyncio.sleep(min(0.2 * 2**self._fetch_failures, 5.0))
            return []

    async def _durable_subscription(self, spec: ConsumerSpec) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            durable_name=spec.durable,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=spec.ack_wait_seconds,
            max_deliver=spec.max_deliver,
            filter_subject=spec.filter_subject,
            max_ack_pending=spec.max_ack_pending,
        )
        subscription = await self.js.pull_subscribe(
            spec.filter_subject, durable=spec.durable, stream=spec.stream, config=config
        )
        self._pull_subscriptions.append(subscription)
        return subscription

    async def _batch_loop(
        self,
        subscription: JetStreamContext.PullSubscription,
        spec: ConsumerSpec,
        handler: BatchHandler,
        on_terminated: TerminationReporter | None,
    ) -> None:
        while not self._stopping.is_set():
            messages = await self._fetch(subscription, spec)
            if not messages:
                continue
            try:
                errors: Sequence[BaseException | None] = await handler(messages)
            except Exception as caught:  # the whole batch failed: each message shares the error
                errors = [caught] * len(messages)
            for msg, error in zip(messages, errors, strict=True):
                await self._settle(msg, spec, error, on_terminated)

    async def _settle(
        self,
        msg: Msg,
        spec: ConsumerSpec,
        error: BaseException | None,
        on_terminated: TerminationReporter | None,
    ) -> None:
        decision = decide(
            error, delivered=msg.metadata.num_delivered, max_deliver=spec.max_deliver, backoff=spec.backoff
        )
        await _apply(msg, decision.disposition, decision.delay)
        if error is not None:
            log.warning("%s on %s: %r", decision.disposition.value, msg.subject, error)
        if decision.disposition is Disposition.TERM and on_terminated is not None and error is not None:
            await on_terminated(msg, error)

    async def _pull_loop(
        self,
        subscription: JetStreamContext.PullSubscription,
        spec: ConsumerSpec,
        handler: MessageHandler,
        on_terminated: TerminationReporter | None,
    ) -> None:
        while not self._stopping.is_set():
            for msg in await self._fetch(subscription, spec):
                await self._handle_one(msg, spec, handler, on_terminated)

    async def _handle_one(
        self, msg: Msg, spec: ConsumerSpec, handler: MessageHandler, on_terminated: TerminationReporter | None
    ) -> None:
        token = sync_id_var.set((msg.headers or {}).get(SYNC_ID_HEADER))
        error: BaseException | None = None
        try:
            await handler(msg)
        except Exception as caught:
            error = caught
        finally:
            sync_id_var.reset(token)
        decision = decide(
            error, delivered=msg.metadata.num_delivered, max_deliver=spec.max_deliver, backoff=spec.backoff
        )
        await _apply(msg, decision.disposition, decision.delay)
        if error is not None:
            log.warning("%s on %s: %r", decision.disposition.value, msg.subject, error)
        if decision.disposition is Disposition.TERM and on_terminated is not None and error is not None:
            await on_terminated(msg, error)


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


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("consumer loop crashed", exc_info=task.exception())
