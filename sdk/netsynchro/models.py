"""What the client returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FINAL_STATES = frozenset({"applied", "partially_applied", "rejected", "failed", "served", "refused"})
SUCCESS_STATES = frozenset({"applied", "served"})


@dataclass(frozen=True)
class Export:
    """An export pulled from the platform: in memory (``content``) or written to ``path``."""

    flow: str
    sync_id: str | None
    media_type: str
    filename: str | None
    size: int
    etag: str | None = None
    cursor: str | None = None
    kind: str | None = None  # "complet" or "differentiel", as the platform says
    not_modified: bool = False
    content: bytes | None = None
    path: Path | None = None

    @property
    def is_delta(self) -> bool:
        return self.kind == "differentiel"


@dataclass(frozen=True)
class PushReceipt:
    """The platform's acknowledgement of an import: durably received, to be processed."""

    sync_id: str
    status_url: str
    state: str
    idempotency_key: str
    # A simulation answers the whole verdict at once (state, counts, per-record report).
    verdict: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReportEntry:
    """One problem of an import's per-record report, as ``GET /v1/syncs/{id}`` gives it in ``rapport``.

    The same fields as the platform's ``services.common.contracts.ReportEntry`` (checked by the
    platform's contract tests): the SDK carries no dependency on the platform's code."""

    code: str
    title: str
    detail: str | None = None
    path: str | None = None
    line: int | None = None
    record: str | None = None

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> ReportEntry:
        return cls(
            code=str(entry["code"]),
            title=str(entry["title"]),
            detail=entry.get("detail"),
            path=entry.get("path"),
            line=entry.get("line"),
            record=entry.get("record"),
        )

    @property
    def where(self) -> str:
        """ "ligne 12, /EDT_STS/…" (empty for a problem of the whole file)."""
        parts = [f"ligne {self.line}" if self.line is not None else "", self.path or ""]
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class SyncStatus:
    sync_id: str
    state: str
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def report(self) -> list[ReportEntry]:
        """The per-record report (empty when the import had no problem)."""
        return [ReportEntry.from_json(entry) for entry in self.raw.get("rapport", [])]

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def succeeded(self) -> bool:
        return self.state in SUCCESS_STATES

    @property
    def is_held(self) -> bool:
        """Held by the safety valve: it waits for a supervisor's decision, not for the platform."""
        return self.state == "held"
