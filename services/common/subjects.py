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
    max_bytes: int = -1  # unlimited unless a stream says otherwise
    duplicate_window_seconds: int = 2 * 3600
    max_msg_size: int = 1024 * 1024
    # A work queue drops a message once acknowledged: what is left is exactly the work still to do.
    work_queue: bool = False


SYNC_EVENTS = StreamSpec(
    name="SYNC_EVENTS",
    subjects=["sync.events.>"],
    description="Every event of every exchange, consumed by supervision.",
    # Supervision keeps the journal; the stream only has to cover its downtime. At the back-to-school
    # peak a month of events would need ~60 GB per node (docs/cost-model.md): a week and 20 GB suffice.
    max_age_seconds=7 * 24 * 3600,
    max_bytes=20 * 1024**3,
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

# --- push flows: imports (see services/common/import_bus.py and docs/push-flows.md) ----------------
# The gateway stores each pushed file in the IMPORT_PAYLOADS object store (object name = sync id), then
# queues a job on `imports.<service>.<uai>.<year>` (Nats-Msg-Id = sync id). IMPORTS is a work queue:
# a job leaves the stream only once its worker has recorded a final state and acknowledged it, so the
# oldest message of a school's subject is the job that school must finish first (per-school order across
# replicas), and "an EDT_STS import is queued or running" is "sts's subject of that school is not empty".
IMPORTS = StreamSpec(
    name="IMPORTS",
    subjects=["imports.>"],
    description="Import jobs and supervisors' decisions, per service, school and year (work queue).",
    work_queue=True,
)
IMPORT_PAYLOADS = "IMPORT_PAYLOADS"  # object store: the pushed files, kept for IMPORT_PAYLOAD_TTL
IMPORT_PAYLOAD_TTL_SECONDS = 14 * 24 * 3600
IMPORT_SYNCS = "IMPORT_SYNCS"  # KV: sync id -> which school, flow and service (and a gateway refusal)
IMPORT_IDEMPOTENCY = "IMPORT_IDEMPOTENCY"  # KV: <uai>.<flow>.<sha256(Idempotency-Key)> -> sync id
IMPORT_KV_TTL_SECONDS = 30 * 24 * 3600


def import_subject(service: str, uai: str, year: int) -> str:
    """`imports.<service>.<uai>.<year>`: one ordered queue per service, school and year."""
    return f"imports.{service}.{uai}.{year}"


def import_durable(service: str) -> str:
    return f"{service}-imports"


def import_filter(service: str) -> str:
    return f"imports.{service}.>"


# Request/reply served by the importing service's queue group: a sync's status, a dry run, and the
# state of a school as the sequencing rules see it (see services/common/imports.py).
def import_status(service: str) -> str:
    return f"{service}.imports.status"


def import_simulation(service: str) -> str:
    return f"{service}.imports.simulate"


def import_school_state(service: str) -> str:
    return f"{service}.imports.school"


# sts → bee: every change of a school's divisions and groups, as a whole snapshot with a per-school
# version (Nats-Msg-Id = `<uai>.<year>.<version>.<hash>`). bee applies them in order through a durable
# consumer and records the version it reached, which a links import waits for.
STRUCTURES = StreamSpec(
    name="STRUCTURES",
    subjects=["sts.structures.>"],
    description="Snapshots of a school's divisions and groups published by sts, applied by bee.",
)
BEE_STRUCTURES_DURABLE = "bee-structures"


def structures_subject(uai: str, year: int) -> str:
    return f"sts.structures.{uai}.{year}"


# --- request/reply: school-year rollover (bascule), see services/common/rollover.py -----------------
# Operator commands (CLI today, an admin UI tomorrow) and the services' questions to each other, in the
# owning service's queue group. The académie's Nomenclature.xml travels in the ROLLOVER_FILES object
# store (it may pass a message's 1 MB), named in the command.
STS_ROLLOVER_STATUS = "sts.rollover.status"  # RolloverQuery -> StsFacts
STS_ROLLOVER_PROFILE = "sts.rollover.profile"  # Profile -> StepOutcome
STS_ROLLOVER_BASCULE = "sts.rollover.bascule"  # StsBascule -> StepOutcome
STS_ROLLOVER_STRUCTURES = "sts.rollover.structures"  # RolloverQuery -> StructureSnapshot (for BEE's bascule)
BEE_ROLLOVER_STATUS = "bee.rollover.status"  # RolloverQuery -> BeeFacts
BEE_ROLLOVER_NOMENCLATURES = "bee.rollover.nomenclatures"  # LoadNomenclatures -> StepOutcome
BEE_ROLLOVER_CATALOGUE = "bee.rollover.catalogue"  # CatalogueRequest -> Catalogue (for STS's profiling)
BEE_ROLLOVER_BASCULE = "bee.rollover.bascule"  # BeeBascule -> BeeBasculeReport
ROLLOVER_FILES = "ROLLOVER_FILES"
ROLLOVER_FILES_TTL_SECONDS = 24 * 3600
