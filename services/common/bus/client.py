"""The Bus: one NATS connection per service, with JetStream, opened and drained by the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, ObjectStoreConfig, PubAck, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import (
    BadRequestError,
    KeyNotFoundError,
    KeyWrongLastSequenceError,
    NoStreamResponseError,
    NotFoundError,
    ObjectNotFoundError,
    ServiceUnavailableError,
)
from nats.js.errors import ServerError as JetStreamServerError
from nats.js.kv import KeyValue
from nats.js.object_store import ObjectStore

from services.common.bus.chunks import ChunkedReply
from services.common.bus.consumers import (
    SYNC_ID_HEADER,
    BatchHandler,
    ConsumerSpec,
    MessageHandler,
    PullConsumer,
    TerminationReporter,
    durable_subscription,
    log_crash,
)
from services.common.errors import Unavailable
from services.common.logging import sync_id_var
from services.common.settings import NatsSettings
from services.common.subjects import StreamSpec

log = logging.getLogger(__name__)
Responder = Callable[[bytes], Awaitable[tuple[bytes, dict[str, str] | None]]]
Listener = Callable[[str, bytes, dict[str, str]], Awaitable[None]]


class NoAnswer(Exception):
    """Nobody answered a request (no responder, or not in time)."""


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


class Bus:
    """Connection lifecycle, request/reply, deduplicated JetStream publishing and pull consumers."""

    def __init__(self, settings: NatsSettings, *, name: str) -> None:
        self.settings = settings
        self.name = name
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None
        self._consumers: list[asyncio.Task[None]] = []
        self._pull_subscriptions: list[JetStreamContext.PullSubscription] = []
        self._specs: list[ConsumerSpec] = []
        self._stopping = asyncio.Event()
        self._stores: dict[str, ObjectStore] = {}
        self._buckets: dict[str, KeyValue] = {}
        self._up = asyncio.Event()  # set while connected, cleared while NATS is lost
        self._down = asyncio.Event()  # the reverse

    # -- lifecycle -------------------------------------------------------------------------------
    async def connect(self) -> None:
        self._nc = await nats.connect(
            servers=self.settings.servers,
            name=self.name,
            connect_timeout=self.settings.connect_timeout,
            max_reconnect_attempts=-1,
            drain_timeout=5,
            reconnect_time_wait=0.5,
            # Nothing is buffered while NATS is away: a publish fails at once instead of leaving the
            # process later, after its request was answered 503.
            pending_size=0,
            error_cb=self._on_error,
            disconnected_cb=self._on_disconnected,
            reconnected_cb=self._on_reconnected,
        )
        self._js = self._nc.jetstream(timeout=self.settings.request_timeout)
        await self._on_reconnected()

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

    async def _on_disconnected(self) -> None:
        self._up.clear()
        self._down.set()

    async def _on_reconnected(self) -> None:
        self._down.clear()
        self._up.set()

    async def wait_connected(self, within: float) -> bool:
        """Whether the bus is connected, or comes back within ``within`` seconds."""
        if self.is_connected:
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._up.wait(), within)
        return self.is_connected

    async def outage(self, seconds: float | None = None) -> None:
        """Return once NATS has been lost for ``seconds`` in a row (``settings.outage_seconds``)."""
        seconds = self.settings.outage_seconds if seconds is None else seconds
        while True:
            await self._down.wait()
            if not await self.wait_connected(seconds):
                return

    def unavailable(self) -> Unavailable:
        """The 503 a request gets while NATS is lost: retry in a moment (an ``Idempotency-Key`` makes a
        retried push finish the first attempt)."""
        return Unavailable(code="bus-indisponible", retry_after=1)

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
                retention=RetentionPolicy.WORK_QUEUE if spec.work_queue else RetentionPolicy.LIMITS,
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
                # A lost connection gets outage_seconds to come back; a stream electing its leader
                # (the connection is up) gets the whole of ``within``.
                if not await self.wait_connected(self.settings.outage_seconds):
                    raise self.unavailable() from error
                pause = min(0.1 * 2**attempt, 2.0)
                if asyncio.get_running_loop().time() + pause > deadline:
                    raise self.unavailable() from error
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

    async def answer(self, subject: str, queue: str, respond: Responder) -> None:
        """Answer each request on ``subject`` with what ``respond`` makes of its body: (body, headers).
        The typed side is :func:`services.common.bus.rpc.serve`."""

        async def on_request(msg: Msg) -> None:
            if msg.reply:
                body, headers = await respond(msg.data)
                await self.nc.publish(msg.reply, body, headers=headers)

        await self.serve(subject, queue, on_request)

    async def request(self, subject: str, data: bytes, *, within: float) -> tuple[bytes, dict[str, str]]:
        """One request, its reply's body and headers; :class:`NoAnswer` when nobody answers in time."""
        try:
            msg = await self.nc.request(subject, data, timeout=within)
        except (NatsTimeoutError, nats.errors.NoRespondersError) as error:
            raise NoAnswer(subject) from error
        return msg.data, dict(msg.headers or {})

    # -- broadcasts (core NATS, no reply, loss harmless) ------------------------------------------------
    async def broadcast(self, subject: str, body: bytes, *, headers: Mapping[str, str] | None = None) -> None:
        await self.nc.publish(subject, body, headers=dict(headers or {}))

    async def listen(self, subjects_filter: str, on_message: Listener) -> None:
        """Every message on ``subjects_filter`` (no queue group: each listener gets each message)."""

        async def deliver(msg: Msg) -> None:
            await on_message(msg.subject, msg.data, dict(msg.headers or {}))

        await self.nc.subscribe(subjects_filter, cb=deliver)

    async def pending(self, stream: str, durable: str) -> int:
        """Messages a durable consumer has not acknowledged yet (waiting or in flight)."""
        info = await self.js.consumer_info(stream, durable)
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

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

    # -- object stores and key-value buckets ----------------------------------------------------------
    # Reached through these methods only (never the raw client), so callers depend on bytes in, bytes out.
    async def ensure_object_store(self, name: str, *, description: str, ttl_seconds: float) -> None:
        """Create the object store if it is missing; idempotent across replicas."""
        config = ObjectStoreConfig(
            description=description,
            ttl=ttl_seconds,
            storage=StorageType.FILE,
            replicas=self.settings.replicas,
        )
        self._stores[name] = await self.js.create_object_store(name, config=config)

    async def put_object(self, store: str, name: str, data: bytes) -> None:
        """Keep ``data`` (chunked by the store: it may exceed a message's 1 MB)."""
        await (await self._object_store(store)).put(name, data)

    async def get_object(self, store: str, name: str) -> bytes | None:
        """The object, or None when there is none of that name (never stored, expired, deleted)."""
        try:
            found = await (await self._object_store(store)).get(name)
        except ObjectNotFoundError:
            return None
        return found.data or b""

    async def delete_object(self, store: str, name: str) -> None:
        with contextlib.suppress(ObjectNotFoundError):
            await (await self._object_store(store)).delete(name)

    async def ensure_bucket(self, bucket: str, *, ttl_seconds: float) -> None:
        config = KeyValueConfig(
            bucket=bucket, ttl=ttl_seconds, storage=StorageType.FILE, replicas=self.settings.replicas
        )
        self._buckets[bucket] = await self.js.create_key_value(config)

    async def kv_get(self, bucket: str, key: str) -> bytes | None:
        """The value, or None when the key is absent (or deleted)."""
        try:
            entry = await (await self._bucket(bucket)).get(key)
        except KeyNotFoundError:
            return None
        return entry.value or b""

    async def kv_put(self, bucket: str, key: str, value: bytes) -> None:
        await (await self._bucket(bucket)).put(key, value)

    async def kv_create(self, bucket: str, key: str, value: bytes) -> bool:
        """Set ``key`` only if it has no value yet: False when another writer set it first."""
        try:
            await (await self._bucket(bucket)).create(key, value)
        except KeyWrongLastSequenceError:
            return False
        return True

    async def kv_delete(self, bucket: str, key: str) -> None:
        await (await self._bucket(bucket)).delete(key)

    async def first_message(
        self, stream: str, subject: str, *, from_seq: int = 1
    ) -> tuple[int, bytes] | None:
        """The oldest message on ``subject`` of ``stream`` at or after ``from_seq`` (sequence, data)."""
        try:
            raw = await self.js.get_msg(stream, seq=from_seq, subject=subject, next=True)
        except NotFoundError:
            return None
        return int(raw.seq or 0), raw.data or b""

    async def _object_store(self, name: str) -> ObjectStore:
        if name not in self._stores:
            self._stores[name] = await self.js.object_store(name)
        return self._stores[name]

    async def _bucket(self, bucket: str) -> KeyValue:
        if bucket not in self._buckets:
            self._buckets[bucket] = await self.js.key_value(bucket)
        return self._buckets[bucket]

    # -- durable consumers ---------------------------------------------------------------------------
    async def consume(
        self,
        spec: ConsumerSpec,
        handler: MessageHandler,
        *,
        on_terminated: TerminationReporter | None = None,
    ) -> None:
        """Start a background pull loop; each message is acked, nak'ed or terminated by :func:`decide`."""
        consumer = await self._consumer(spec, on_terminated)
        self._start(consumer.run_each(handler))

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
        consumer = await self._consumer(spec, on_terminated)
        self._start(consumer.run_batches(handler))

    async def _consumer(self, spec: ConsumerSpec, on_terminated: TerminationReporter | None) -> PullConsumer:
        subscription = await durable_subscription(self.js, spec)
        self._pull_subscriptions.append(subscription)
        self._specs.append(spec)
        return PullConsumer(subscription, spec, self._stopping, on_terminated)

    @property
    def consumer_specs(self) -> list[ConsumerSpec]:
        """The durable consumers this connection pulls from (what its metrics report on)."""
        return list(self._specs)

    def _start(self, loop: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(loop)
        task.add_done_callback(log_crash)
        self._consumers.append(task)
