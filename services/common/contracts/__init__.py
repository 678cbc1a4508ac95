"""The typed contracts between services: every bus message, request and reply, declared once.

Producer and consumer import the same model; every model derives from :class:`Contract` (an unknown
field is an error). :mod:`services.common.contracts.registry` says which model each subject of
:mod:`services.common.subjects` carries (``docs/contracts.md``); ``tests/contracts`` checks it.
"""

from services.common.contracts.base import Contract
from services.common.contracts.details import (
    AccreditationAction,
    AccreditationAudit,
    CertificateAction,
    CertificateAudit,
    DetailKind,
    EventDetails,
    ExportDetails,
    ImportDetails,
    RolloverDetails,
)
from services.common.contracts.events import SyncEvent
from services.common.contracts.report import ReportEntry
from services.common.contracts.states import Direction, SyncState

__all__ = [
    "AccreditationAction",
    "AccreditationAudit",
    "CertificateAction",
    "CertificateAudit",
    "Contract",
    "DetailKind",
    "Direction",
    "EventDetails",
    "ExportDetails",
    "ImportDetails",
    "ReportEntry",
    "RolloverDetails",
    "SyncEvent",
    "SyncState",
]
