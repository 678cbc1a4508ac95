"""Alert rules are data: a list in the settings (``SUPERVISION_ALERTS__RULES``, JSON), each rule one of
the kinds below with its own thresholds. The defaults cover what académies asked for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

Severity = Literal["info", "warning", "critical"]


class _Rule(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    severity: Severity = "warning"
    enabled: bool = True


class FailureRateRule(_Rule):
    """Share of syncs of one editor (or flow) that ended in error, over a sliding window."""

    kind: Literal["failure_rate"] = "failure_rate"
    dimension: Literal["editor", "flow", "product"] = "editor"
    window_minutes: int = Field(60, ge=1)
    threshold: float = Field(0.5, gt=0, le=1)
    min_syncs: int = Field(5, ge=1)
    # Per académie, so that each académie's supervisors see (and own) the alert for their schools.
    per_academie: bool = True


class RepeatedRejectionsRule(_Rule):
    """One school whose exchanges keep being rejected or refused."""

    kind: Literal["repeated_rejections"] = "repeated_rejections"
    window_minutes: int = Field(60, ge=1)
    count: int = Field(3, ge=1)


class RevokedCertificateRule(_Rule):
    """A revoked certificate still presented at the gateway: the school's software needs a new one."""

    kind: Literal["revoked_certificate"] = "revoked_certificate"
    window_minutes: int = Field(24 * 60, ge=1)


class HeldImportRule(_Rule):
    """An import held by the safety valve (too many deletions...) and waiting for a human."""

    kind: Literal["held_import"] = "held_import"
    min_minutes: int = Field(0, ge=0)


class ConsumerLagRule(_Rule):
    """Events waiting in the stream for supervision: the journal is behind what happens."""

    kind: Literal["consumer_lag"] = "consumer_lag"
    max_pending: int = Field(1000, ge=1)


AlertRule = Annotated[
    FailureRateRule | RepeatedRejectionsRule | RevokedCertificateRule | HeldImportRule | ConsumerLagRule,
    Field(discriminator="kind"),
]


def default_rules() -> list[AlertRule]:
    return [
        FailureRateRule(id="echecs-editeur", dimension="editor"),
        FailureRateRule(id="echecs-flux", dimension="flow", threshold=0.3, min_syncs=10),
        RepeatedRejectionsRule(id="rejets-repetes"),
        RevokedCertificateRule(id="certificat-revoque", severity="critical"),
        HeldImportRule(id="import-retenu"),
        ConsumerLagRule(id="retard-journal", severity="critical"),
    ]
