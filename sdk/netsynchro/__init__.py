"""NetSynchro client for accredited school software.

from netsynchro import Certificate, Client

certificate = Certificate.from_pkcs12("etablissement.p12", "mot de passe")
with Client("https://netsynchro.example", certificate) as client:
    export = client.pull("structures", "0310053P", 2026)
    receipt = client.push("emploi-du-temps", "0310053P", 2026, Path("emp_sts.xml"))
    client.wait(receipt.sync_id)
"""

from netsynchro.certificates import Certificate
from netsynchro.client import Client
from netsynchro.cursors import CursorStore, FileCursorStore, MemoryCursorStore
from netsynchro.errors import (
    CertificateError,
    ConflictError,
    ImportRejectedError,
    InvalidRequestError,
    NetSynchroError,
    NotFoundError,
    ProblemError,
    RateLimitedError,
    RefusedError,
    ServerError,
    TransportError,
)
from netsynchro.models import Export, PushReceipt, ReportEntry, SyncStatus
from netsynchro.retry import RetryPolicy

__all__ = [
    "Certificate",
    "CertificateError",
    "Client",
    "ConflictError",
    "CursorStore",
    "Export",
    "FileCursorStore",
    "ImportRejectedError",
    "InvalidRequestError",
    "MemoryCursorStore",
    "NetSynchroError",
    "NotFoundError",
    "ProblemError",
    "PushReceipt",
    "RateLimitedError",
    "RefusedError",
    "ReportEntry",
    "RetryPolicy",
    "ServerError",
    "SyncStatus",
    "TransportError",
]
