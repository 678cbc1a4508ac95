"""Every NATS subject, JetStream stream, consumer and bucket of the platform, in one place.

Core request/reply subjects carry exports (answered in chunks on the requester's inbox); JetStream
streams carry whatever must not be lost (sync events, imports, structure changes, revocations), published
with a ``Nats-Msg-Id`` so that a retried publish is deduplicated by the server.
"""

from __future__ import annotations

from dataclasses import dataclass

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


SYNC_EVENTS = StreamSpec(
    name="SYNC_EVENTS",
    subjects=["sync.events.>"],
    description="Every event of every exchange, consumed by supervision.",
)


def sync_event_subject(uai: str, kind: str) -> str:
    """`sync.events.<uai>.<kind>`; UAI first so a consumer can filter one school."""
    return f"sync.events.{uai or 'inconnu'}.{kind}"


# --- GIN-WEB → gateways: revocations and accreditations (see services/common/trustfeed.py) ---------
# Every gateway replica reads the whole stream with an ephemeral ordered consumer (never a shared
# durable: each replica must apply every message). Kept longer than any editor certificate lives
# (a school year plus a margin), so a gateway can rebuild its refused set from the stream alone.
REVOCATIONS = StreamSpec(
    name="REVOCATIONS",
    subjects=["ginweb.revocations.>", "ginweb.accreditations.>"],
    description="Certificate revocations and editor accreditations, applied by every gateway.",
    max_age_seconds=500 * 24 * 3600,
)
REVOCATION_SUBJECTS = "ginweb.revocations.>"
ACCREDITATION_SUBJECTS = "ginweb.accreditations.>"


def revocation_subject(serial_hex: str) -> str:
    return f"ginweb.revocations.{serial_hex}"


def accreditation_subject(editor: str) -> str:
    return f"ginweb.accreditations.{editor}"


SUPERVISION_DURABLE = "supervision-journal"

STREAMS: tuple[StreamSpec, ...] = (SYNC_EVENTS,)

# --- supervision ------------------------------------------------------------------------------------
# Core NATS (not JetStream): after committing a batch, the replica that ingested it publishes each
# changed sync here; every replica subscribes without a queue group and feeds its own live feed, so a
# browser connected to any replica sees every change. Losing one is harmless: the pages re-read the API.
SUPERVISION_LIVE = "supervision.live.{academie}"


def supervision_live(academie: str | None) -> str:
    """`supervision.live.<académie>`; changes of syncs with no known school go to `…live.aucune`."""
    return SUPERVISION_LIVE.format(academie=academie or "aucune")


# --- request/reply: diagnostics and data quality (see services/common/diagnosis.py) -----------------
BEE_QUALITY_REPORT = "bee.quality.report"
BEE_DIAGNOSIS_GROUP = "bee.diagnosis.group"
STS_DIAGNOSIS_GROUP = "sts.diagnosis.group"
