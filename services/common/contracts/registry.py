"""Which model every subject of :mod:`services.common.subjects` carries: the table of the contracts.

Each name of ``subjects`` that makes a subject (a constant, a function building one, a stream) has one
:class:`SubjectContract` here; names that are not subjects (queue groups, durables, TTLs, buckets) are
in :data:`NOT_SUBJECTS` with what they are. ``tests/contracts`` walks ``subjects`` and fails on a name
found in neither, and builds each producer's message to read it with the consumer's model.
:func:`services.common.bus.rpc.serve` and :func:`~services.common.bus.rpc.ask` refuse a subject whose
declared models are not the ones they are given. ``docs/contracts.md`` is this table in prose.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel

from services.common.contracts.events import SyncEvent
from services.common.diagnosis import (
    BeeGroupAnswer,
    GroupQuestion,
    QualityReport,
    QualityRequest,
    StsGroupAnswer,
)
from services.common.exports import ExportHead, ExportRequest
from services.common.imports import (
    ImportJob,
    ImportStatus,
    SchoolImportState,
    SchoolStateRequest,
    StatusRequest,
    StructureSnapshot,
)
from services.common.rollover import (
    BeeBascule,
    BeeBasculeReport,
    BeeFacts,
    Catalogue,
    CatalogueRequest,
    LoadNomenclatures,
    Profile,
    RolloverQuery,
    StepOutcome,
    StsBascule,
    StsFacts,
)
from services.common.trustfeed import CertificateRevoked, EditorAccreditation


class Kind(enum.StrEnum):
    REQUEST_REPLY = "requête/réponse"  # core NATS, a queue group answers (services.common.bus.rpc)
    CHUNKED = "requête/réponse par morceaux"  # exports (services.common.bus.chunks): a head, then the file
    STREAM = "flux JetStream"  # durable, deduplicated by Nats-Msg-Id
    BROADCAST = "diffusion"  # core NATS, no reply, loss harmless


@dataclass(frozen=True)
class SubjectContract:
    name: str  # the name in services.common.subjects
    subject: str  # the subject, <placeholders> for its variable tokens
    kind: Kind
    message: type[BaseModel]  # the request, or the message of a stream or broadcast
    reply: type[BaseModel] | None
    producer: str
    consumer: str

    @property
    def pattern(self) -> re.Pattern[str]:
        tokens = [
            r"[^.]+" if token.startswith("<") else re.escape(token) for token in self.subject.split(".")
        ]
        return re.compile(r"\.".join(tokens))


def _rr(
    name: str, subject: str, request: type[BaseModel], reply: type[BaseModel], by: str, asker: str
) -> SubjectContract:
    return SubjectContract(name, subject, Kind.REQUEST_REPLY, request, reply, asker, by)


CONTRACTS: tuple[SubjectContract, ...] = (
    # exports
    SubjectContract(
        "bee_export", "bee.export.<flux>", Kind.CHUNKED, ExportRequest, ExportHead, "passerelle", "bee"
    ),
    SubjectContract(
        "sts_export", "sts.export.<flux>", Kind.CHUNKED, ExportRequest, ExportHead, "passerelle", "sts"
    ),
    # journal
    SubjectContract(
        "sync_event_subject",
        "sync.events.<uai>.<etat>",
        Kind.STREAM,
        SyncEvent,
        None,
        "passerelle, sts, bee, GIN-WEB",
        "supervision",
    ),
    SubjectContract(
        "revocation_subject",
        "ginweb.revocations.<serie>",
        Kind.STREAM,
        CertificateRevoked,
        None,
        "GIN-WEB",
        "passerelles",
    ),
    SubjectContract(
        "accreditation_subject",
        "ginweb.accreditations.<editeur>",
        Kind.STREAM,
        EditorAccreditation,
        None,
        "GIN-WEB",
        "passerelles",
    ),
    # imports
    SubjectContract(
        "import_subject",
        "imports.<service>.<uai>.<annee>",
        Kind.STREAM,
        ImportJob,
        None,
        "passerelle, supervision",
        "sts, bee",
    ),
    _rr("import_status", "<service>.imports.status", StatusRequest, ImportStatus, "sts, bee", "passerelle"),
    _rr("import_simulation", "<service>.imports.simulate", ImportJob, ImportStatus, "sts, bee", "passerelle"),
    _rr(
        "import_school_state",
        "<service>.imports.school",
        SchoolStateRequest,
        SchoolImportState,
        "sts, bee",
        "passerelle, bee",
    ),
    SubjectContract(
        "structures_subject",
        "sts.structures.<uai>.<annee>",
        Kind.STREAM,
        StructureSnapshot,
        None,
        "sts",
        "bee",
    ),
    # diagnosis
    _rr("BEE_QUALITY_REPORT", "bee.quality.report", QualityRequest, QualityReport, "bee", "supervision"),
    _rr("BEE_DIAGNOSIS_GROUP", "bee.diagnosis.group", GroupQuestion, BeeGroupAnswer, "bee", "supervision"),
    _rr("STS_DIAGNOSIS_GROUP", "sts.diagnosis.group", GroupQuestion, StsGroupAnswer, "sts", "supervision"),
    # rollover
    _rr(
        "STS_ROLLOVER_STATUS",
        "sts.rollover.status",
        RolloverQuery,
        StsFacts,
        "sts",
        "bee, passerelle, bascule",
    ),
    _rr("STS_ROLLOVER_PROFILE", "sts.rollover.profile", Profile, StepOutcome, "sts", "bascule"),
    _rr("STS_ROLLOVER_BASCULE", "sts.rollover.bascule", StsBascule, StepOutcome, "sts", "bascule"),
    _rr("STS_ROLLOVER_STRUCTURES", "sts.rollover.structures", RolloverQuery, StructureSnapshot, "sts", "bee"),
    _rr("BEE_ROLLOVER_STATUS", "bee.rollover.status", RolloverQuery, BeeFacts, "bee", "passerelle, bascule"),
    _rr(
        "BEE_ROLLOVER_NOMENCLATURES",
        "bee.rollover.nomenclatures",
        LoadNomenclatures,
        StepOutcome,
        "bee",
        "bascule",
    ),
    _rr("BEE_ROLLOVER_CATALOGUE", "bee.rollover.catalogue", CatalogueRequest, Catalogue, "bee", "sts"),
    _rr("BEE_ROLLOVER_BASCULE", "bee.rollover.bascule", BeeBascule, BeeBasculeReport, "bee", "bascule"),
)

# Names of ``subjects`` that are not subjects a message is published on, and what they are.
NOT_SUBJECTS: dict[str, str] = {
    "BEE_EXPORT": "format of bee_export",
    "STS_EXPORT": "format of sts_export",
    "BEE_QUEUE": "queue group",
    "STS_QUEUE": "queue group",
    "SYNC_EVENTS": "stream of sync_event_subject",
    "REVOCATIONS": "stream of revocation_subject and accreditation_subject",
    "REVOCATION_SUBJECTS": "filter of revocation_subject",
    "ACCREDITATION_SUBJECTS": "filter of accreditation_subject",
    "SUPERVISION_DURABLE": "durable consumer",
    "SUPERVISION_LIVE": "format of supervision_live",
    "STREAMS": "list of streams",
    "IMPORTS": "stream of import_subject",
    "IMPORT_PAYLOADS": "object store: the pushed files (bytes), by sync id",
    "IMPORT_PAYLOAD_TTL_SECONDS": "TTL",
    "IMPORT_SYNCS": "KV bucket: services.gateway.import_records.PushRecord, by sync id",
    "IMPORT_IDEMPOTENCY": "KV bucket: services.gateway.import_records.Claim, by key",
    "IMPORT_KV_TTL_SECONDS": "TTL",
    "import_durable": "durable consumer",
    "import_filter": "filter of import_subject",
    "STRUCTURES": "stream of structures_subject",
    "BEE_STRUCTURES_DURABLE": "durable consumer",
    "ROLLOVER_FILES": "object store: the files of rollover commands (bytes)",
    "ROLLOVER_FILES_TTL_SECONDS": "TTL",
    "StreamSpec": "the class of streams",
}


def _live_contract() -> SubjectContract:
    # Supervision's own broadcast between its replicas; imported late (supervision imports the bus).
    from services.supervision.schemas import LiveSync

    return SubjectContract(
        "supervision_live",
        "supervision.live.<academie>",
        Kind.BROADCAST,
        LiveSync,
        None,
        "supervision (la réplique qui a enregistré)",
        "supervision (chaque réplique)",
    )


@cache
def all_contracts() -> tuple[SubjectContract, ...]:
    return (*CONTRACTS, _live_contract())


def contract_of(subject: str) -> SubjectContract | None:
    """The contract of a concrete subject (``sts.imports.status``, ``sync.events.0310053P.served``)."""
    return next((c for c in all_contracts() if c.pattern.fullmatch(subject)), None)


def check_request_reply(subject: str, request: type[BaseModel], reply: type[BaseModel]) -> None:
    """Refuse serving or asking ``subject`` with other models than its declared ones."""
    contract = contract_of(subject)
    if contract is None or contract.kind is not Kind.REQUEST_REPLY:
        raise TypeError(
            f"{subject}: no request/reply contract declared in services.common.contracts.registry"
        )
    if (contract.message, contract.reply) != (request, reply):
        declared = f"{contract.message.__name__} -> {contract.reply and contract.reply.__name__}"
        raise TypeError(f"{subject}: declared {declared}, used with {request.__name__} -> {reply.__name__}")
