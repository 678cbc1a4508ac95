"""Push flows: what travels between the gateway, the importing services and supervision.

A pushed file becomes an :class:`ImportJob` queued on ``imports.<service>.<uai>.<year>``; the service's
worker records its progress in its own job table and answers :class:`ImportStatus` to the gateway. A
supervisor's decision on a held import is a job of kind ``decision`` on the same subject, so it is
applied in the school's order. The rules shared by every flow live here: the verdict (the error rule and
the safety valve, :func:`verdict`) and the sequencing of links after timetables (:func:`links_blocker`).
See ``docs/push-flows.md``.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from services.common.contracts import Contract, ReportEntry
from services.common.events import Direction, SyncEvent, SyncState

TIMETABLE_FLOW = "emploi-du-temps"
LINKS_FLOW = "liens-eleves-groupes"
IMPORT_SERVICES: dict[str, str] = {TIMETABLE_FLOW: "sts", LINKS_FLOW: "bee"}
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class ImportKind(enum.StrEnum):
    JOB = "import"  # a pushed file to import
    DECISION = "decision"  # a supervisor approves or rejects a held import


class ImportSettings(BaseModel):
    """How a service imports (``STS_IMPORTS__…``, ``BEE_IMPORTS__…``)."""

    # A job not acknowledged within this delay is redelivered; a running import sends heartbeats.
    ack_wait_seconds: float = 60.0
    # Genuine failures (database down...) before the sync is `failed`; waiting does not count.
    max_attempts: int = 8
    # Consumer loops per replica: imports of different schools run side by side.
    concurrency: int = 2
    # How often a waiting job (earlier job of the school, links after a timetable) looks again.
    recheck_seconds: float = 0.5
    # Safety valve: an import removing more than this share of a school's services or links is held,
    # unless the school had fewer than `valve_min_records` of them (a small school is not a signal).
    valve_share: float = 0.5
    valve_min_records: int = 20
    # Tests only: pause at a named point ("parse", "transaction", "commit") and log it, so a test can
    # kill the process there.
    pause_at: str = ""
    pause_seconds: float = 0.0


class ImportJob(Contract):
    """A job of the IMPORTS stream: an import to run, or a decision on a held one."""

    sync_id: str
    kind: ImportKind = ImportKind.JOB
    flow: str
    uai: str
    year: int
    editor: str | None = None
    product: str | None = None
    certificate_serial: str | None = None
    payload_bytes: int = 0
    payload_sha256: str | None = None
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    simulation: bool = False
    # decision only
    approve: bool | None = None
    decided_by: str | None = None
    reason: str | None = None  # the supervisor's reason, recorded with the decision

    @property
    def service(self) -> str:
        return IMPORT_SERVICES[self.flow]

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ImportJob:
        return cls.model_validate_json(data)

    def event(self, state: SyncState, label: str | None = None, **values: Any) -> SyncEvent:
        """A sync event of this import. Its id is derived from the sync and ``label`` (the state by
        default), so the event a redelivered job sends again is recorded once."""
        elapsed = (datetime.now(UTC) - self.received_at).total_seconds() * 1000
        return SyncEvent(
            event_id=derived_event_id(self.sync_id, label or state.value),
            sync_id=self.sync_id,
            state=state,
            uai=self.uai,
            year=self.year,
            flow=self.flow,
            direction=Direction.IMPORT,
            editor=self.editor,
            product=self.product,
            certificate_serial=self.certificate_serial,
            duration_ms=round(elapsed, 3),
            **values,
        )


def decision_note(decision: ImportJob) -> str:
    """How a supervisor's decision reads in the sync's timeline: who, what, why."""
    who = decision.decided_by or "un superviseur"
    verb = "approuvé" if decision.approve else "refusé"
    why = f" Motif : {decision.reason.strip()}" if decision.reason and decision.reason.strip() else ""
    return f"Import retenu puis {verb} par {who}.{why}"


def derived_event_id(sync_id: str, label: str) -> str:
    """26 characters like a ULID: the sync's time prefix, then a hash of the sync and ``label``."""
    digest = int.from_bytes(hashlib.sha256(f"{sync_id}/{label}".encode()).digest()[:10], "big")
    tail = "".join(_CROCKFORD[(digest >> (5 * n)) & 31] for n in range(16))
    return sync_id[:10] + tail


class ImportStatus(Contract):
    """A sync of a push as its service (or the gateway, for a refused file) knows it."""

    sync_id: str
    flux: str
    uai: str
    annee: int
    etat: SyncState
    raison: str | None = None
    simulation: bool = False
    compteurs: dict[str, int] = Field(default_factory=dict)
    rapport: list[ReportEntry] = Field(default_factory=list)
    changements: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    recu_le: datetime | None = None
    mis_a_jour_le: datetime | None = None


class StatusRequest(Contract):
    sync_id: str


class SchoolStateRequest(Contract):
    """``before_seq``: only the jobs queued before this IMPORTS sequence count as pending."""

    uai: str
    year: int
    before_seq: int | None = None


class SchoolImportState(Contract):
    """A school year as one service's sequencing sees it (answer of ``<service>.imports.school``)."""

    service: str
    uai: str
    year: int
    annee_ouverte: bool
    version_structures: int = 0
    imports_en_cours: list[str] = Field(default_factory=list)  # queued or running, by sync id
    imports_retenus: list[str] = Field(default_factory=list)  # held for a supervisor


def links_blocker(sts: SchoolImportState, bee: SchoolImportState) -> str | None:
    """Why a links import of this school must wait now (French), or None when it may run."""
    if sts.imports_en_cours:
        return (
            "Un import d'emploi du temps de l'établissement est en cours ou en file "
            f"({', '.join(sts.imports_en_cours)}) : les liens élèves-groupes attendent qu'il soit appliqué."
        )
    if bee.version_structures < sts.version_structures:
        return (
            "Les divisions et groupes issus de STS ne sont pas encore parvenus à la base élèves "
            f"(version {bee.version_structures} sur {sts.version_structures})."
        )
    return None


@dataclass(frozen=True)
class Outcome:
    """What an import did (or would do): counts, per-record report, and what the safety valve weighs."""

    counts: dict[str, int]
    report: list[ReportEntry]
    valid_records: int
    guarded_before: int  # services or links the school had
    guarded_removed: int  # how many of those the file removes
    guarded_label: str  # "services", "liens élèves-groupes"
    changes: dict[str, dict[str, list[str]]]

    @property
    def removal_share(self) -> float:
        return self.guarded_removed / self.guarded_before if self.guarded_before else 0.0


def verdict(outcome: Outcome, settings: ImportSettings, *, approved: bool) -> tuple[SyncState, str | None]:
    """The rule every flow follows (docs/push-flows.md): a file with no valid record is rejected; one
    that removes too much is held for a supervisor unless approved; bad records are skipped and
    reported, which makes the import `partially_applied`."""
    if outcome.valid_records == 0 and outcome.report:
        return SyncState.REJECTED, "Aucun enregistrement du fichier n'est valide : rien n'a été importé."
    big_enough = outcome.guarded_before >= settings.valve_min_records
    if not approved and big_enough and outcome.removal_share > settings.valve_share:
        return SyncState.HELD, (
            f"Ce fichier supprimerait {outcome.guarded_removed} des {outcome.guarded_before} "
            f"{outcome.guarded_label} de l'établissement ({outcome.removal_share:.0%}, au-delà de "
            f"{settings.valve_share:.0%}) : import retenu jusqu'à la décision d'un superviseur."
        )
    if outcome.report:
        return SyncState.PARTIALLY_APPLIED, (
            f"{len(outcome.report)} enregistrement(s) en erreur ignoré(s) ; le reste est appliqué."
        )
    return SyncState.APPLIED, None


class StructureSnapshot(Contract):
    """sts → bee: a school year's divisions and groups, whole, as BEE's Structures file holds them
    (``bee_structures.Division`` / ``Groupe`` in JSON form), at a per-school ``version``."""

    uai: str
    year: int
    version: int
    divisions: list[dict[str, Any]] = Field(default_factory=list)
    groupes: list[dict[str, Any]] = Field(default_factory=list)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()
