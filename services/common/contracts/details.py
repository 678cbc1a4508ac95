"""What a sync event says beyond its common fields: one model per kind of event, told apart by ``kind``.

:attr:`SyncEvent.details <services.common.events.SyncEvent.details>` is one of these (or nothing). Each
producer builds its model, supervision reads the same model: a field renamed on one side fails at the
boundary (``extra="forbid"``), in ``tests/contracts``, instead of leaving a page or an alert rule empty.

=================  ======================================  ====================================
``kind``           producer                                read by supervision for
=================  ======================================  ====================================
``export``         gateway, a pull served                  the sync page (file, format, cache)
``import``         gateway (refused file), sts/bee workers the per-record report, the simulation
``certificat``     GIN-WEB: issued, renewed, revoked       the certificates table (expiry, revocation)
``habilitation``   GIN-WEB: accreditation changes          the journal
``bascule``        sts/bee: a rollover step                the journal
=================  ======================================  ====================================
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from services.common.contracts.base import Contract
from services.common.contracts.report import ReportEntry
from services.common.contracts.states import SyncState


class DetailKind(enum.StrEnum):
    EXPORT = "export"
    IMPORT = "import"
    CERTIFICATE = "certificat"
    ACCREDITATION = "habilitation"
    ROLLOVER = "bascule"


class ExportDetails(Contract):
    """A pull served: which file, in which format, and whether the gateway's cache answered."""

    kind: Literal[DetailKind.EXPORT] = DetailKind.EXPORT
    format: str  # media type
    type_export: str  # "complet" or "differentiel"
    fichier: str | None = None
    cache_passerelle: bool = False


class ImportDetails(Contract):
    """An import's word on its file: the per-record report, and whether it was only a simulation."""

    kind: Literal[DetailKind.IMPORT] = DetailKind.IMPORT
    report: list[ReportEntry] = Field(default_factory=list)
    # A dry run changes nothing: its event is ``served`` and ``verdict`` is what a real import would be.
    simulation: bool = False
    verdict: SyncState | None = None
    # A held import: what it would change, per entity ("SERVICE") and kind ("removed"), the records' keys.
    changes: dict[str, dict[str, list[str]]] = Field(default_factory=dict)


class CertificateAction(enum.StrEnum):
    ISSUED = "issued"
    RENEWED = "renewed"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return _CERTIFICATE_LABELS[self]


_CERTIFICATE_LABELS = {
    CertificateAction.ISSUED: "émission",
    CertificateAction.RENEWED: "renouvellement",
    CertificateAction.REVOKED: "révocation",
}


class CertificateAudit(Contract):
    """GIN-WEB issued, renewed or revoked a certificate (its serial, school, editor and product are the
    event's own fields). ``not_after`` always: supervision lists the certificates about to expire."""

    kind: Literal[DetailKind.CERTIFICATE] = DetailKind.CERTIFICATE
    action: CertificateAction
    not_after: AwareDatetime
    replaces: str | None = None  # renewed: the serial of the certificate it replaces
    overlap_until: AwareDatetime | None = None  # renewed: the old one stays valid until then
    revoked_at: AwareDatetime | None = None  # revoked
    reason: str | None = None  # revoked: RFC 5280 reason name (keyCompromise, superseded…)


class AccreditationAction(enum.StrEnum):
    EDITOR_ADDED = "ajout"
    PRODUCT_ADDED = "produit"
    WITHDRAWN = "retrait"
    REINSTATED = "retablissement"

    @property
    def label(self) -> str:
        return _ACCREDITATION_LABELS[self]


_ACCREDITATION_LABELS = {
    AccreditationAction.EDITOR_ADDED: "ajout de l'éditeur",
    AccreditationAction.PRODUCT_ADDED: "ajout d'un produit",
    AccreditationAction.WITHDRAWN: "retrait de l'habilitation",
    AccreditationAction.REINSTATED: "rétablissement de l'habilitation",
}


class AccreditationAudit(Contract):
    kind: Literal[DetailKind.ACCREDITATION] = DetailKind.ACCREDITATION
    action: AccreditationAction
    by: str  # who changed it (operator account)


class RolloverDetails(Contract):
    kind: Literal[DetailKind.ROLLOVER] = DetailKind.ROLLOVER
    academie: str | None = None  # an académie-wide step (nomenclatures, BEE's bascule)
    reconduire: bool | None = None  # profiling: last year's options carried over
    groupes: bool | None = None  # STS's bascule: groups carried over with the divisions


EventDetails = Annotated[
    ExportDetails | ImportDetails | CertificateAudit | AccreditationAudit | RolloverDetails,
    Field(discriminator="kind"),
]

__all__ = [
    "AccreditationAction",
    "AccreditationAudit",
    "CertificateAction",
    "CertificateAudit",
    "DetailKind",
    "EventDetails",
    "ExportDetails",
    "ImportDetails",
    "ReportEntry",
    "RolloverDetails",
]
