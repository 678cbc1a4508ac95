"""Errors raised by the client. Every refusal of the platform carries its problem code and French message.

NetSynchroError
├── TransportError            the platform could not be reached (after retries)
└── ProblemError              the platform answered with an RFC 9457 problem
    ├── RefusedError          401/403: certificate, school or flow not allowed
    ├── NotFoundError         404
    ├── ConflictError         409: ordering rule, stale cursor, state
    ├── InvalidRequestError   400/413/415: the request or file is invalid
    ├── RateLimitedError      429 (after retries)
    └── ServerError           5xx (after retries)
ImportRejectedError           an import ended rejected or failed, with its per-record report
CertificateError              the certificate files cannot be read (missing, wrong PKCS#12 password)
"""

from __future__ import annotations

from typing import Any


class NetSynchroError(Exception):
    """Base of every error of this package."""


class CertificateError(NetSynchroError):
    """The certificate given to the client cannot be used: missing file, wrong password, not a key."""


class TransportError(NetSynchroError):
    """The platform could not be reached, even after retries."""


class ProblemError(NetSynchroError):
    """An RFC 9457 problem answered by the platform."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        self.code: str = str(problem.get("code", "inconnu"))
        self.title: str = str(problem.get("title", "Erreur"))
        self.detail: str | None = problem.get("detail")
        self.sync_id: str | None = problem.get("sync_id")
        super().__init__(f"{self.status} {self.code}: {self.title}")


class RefusedError(ProblemError):
    pass


class NotFoundError(ProblemError):
    pass


class ConflictError(ProblemError):
    pass


class InvalidRequestError(ProblemError):
    pass


class RateLimitedError(ProblemError):
    pass


class ServerError(ProblemError):
    pass


class ImportRejectedError(NetSynchroError):
    """An import finished in a state other than applied; ``status`` holds the per-record report."""

    def __init__(self, status: dict[str, Any]) -> None:
        self.status = status
        self.sync_id: str = str(status.get("sync_id"))
        self.state: str = str(status.get("etat"))
        super().__init__(f"import {self.sync_id} {self.state}")


def problem_error(status: int, problem: dict[str, Any]) -> ProblemError:
    """The typed error for a problem answer."""
    if status in (401, 403):
        return RefusedError(status, problem)
    if status == 404:
        return NotFoundError(status, problem)
    if status == 409:
        return ConflictError(status, problem)
    if status == 429:
        return RateLimitedError(status, problem)
    if status >= 500:
        return ServerError(status, problem)
    return InvalidRequestError(status, problem)
