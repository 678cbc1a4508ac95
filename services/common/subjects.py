"""Every NATS subject, JetStream stream, consumer and bucket of the platform, in one place.

Core request/reply subjects carry exports (answered in chunks on the requester's inbox); JetStream
streams carry whatever must not be lost (sync events, imports, structure changes, revocations), published
with a ``Nats-Msg-Id`` so that a retried publish is deduplicated by the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- request/reply: exports -------------------------------------------------------------------------
# `<service>.export.<flow>`; the payload is an ExportRequest (JSON); workers listen in a queue group
# named after the service so replicas share the load.
BEE_EXPORT = "bee.export.{flow}"
STS_EXPORT = "sts.export.{flow}"
BEE_QUEUE = "bee"
STS_QUEUE = "sts"


def bee_export(flow: str) -> str:
    return BEE_EXPORT.format(flow=flow)


def sts_export(flow: str) -> str:
    return STS_EXPORT.format(flow=flow)


# --- JetStream --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: list[str]
    description: str
    max_age_seconds: int = 30 * 24 * 3600
    duplicate_window_seconds: int = 2 * 3600
    max_msg_size: int = 1024 * 1024
    extra: dict[str, object] = field(default_factory=dict)


SYNC_EVENTS = StreamSpec(
    name="SYNC_EVENTS",
    subjects=["sync.events.>"],
    description="Every event of every exchange, consumed by supervision.",
)


def sync_event_subject(uai: str, kind: str) -> str:
    """`sync.events.<uai>.<kind>`; UAI first so a consumer can filter one school."""
    return f"sync.events.{uai or 'inconnu'}.{kind}"


SUPERVISION_DURABLE = "supervision-journal"

STREAMS: tuple[StreamSpec, ...] = (SYNC_EVENTS,)
