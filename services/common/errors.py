"""Domain errors and their RFC 9457 problem+json rendering.

Every error a user can meet is a :class:`DomainError` with a stable machine ``code`` (never reworded once
published), an HTTP ``status`` and a French ``title`` written for school staff and editors. Business code
raises them; one exception handler renders them. The tree::

    DomainError
    ├── InvalidInput            400  (malformed request, bad identifier, hostile or invalid file)
    ├── AuthenticationFailed    401  (no certificate, unknown CA, expired, revoked, inconsistent identity)
    ├── Forbidden               403  (another school, a flow the product may not use, withdrawn editor)
    ├── NotFound                404  (unknown school, year, sync, resource, address)
    ├── MethodNotAllowed        405  (a method the address does not accept)
    ├── Conflict                409  (ordering rules, cursor too old, state that forbids the action)
    ├── PayloadTooLarge         413
    ├── UnsupportedMedia        415
    ├── TooManyRequests         429
    └── Unavailable             503  (a backing service did not answer in time)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

PROBLEM_MEDIA_TYPE = "application/problem+json"
# A relative reference (RFC 9457 §3.1.1): it resolves against the answering service's own address, where
# /docs/erreurs/<code> is the page of the error catalogue that explains the code.
PROBLEM_TYPE_BASE = "/docs/erreurs/"


class DomainError(Exception):
    """An error with a stable code and a French message, rendered as problem+json."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "erreur-interne"
    default_title: ClassVar[str] = "Erreur interne de la plateforme."

    def __init__(
        self,
        title: str | None = None,
        *,
        code: str | None = None,
        detail: str | None = None,
        **extensions: Any,
    ) -> None:
        self.code = code or self.default_code
        self.title = title or self.default_title
        self.detail = detail
        self.extensions = extensions
        super().__init__(f"{self.code}: {self.title}")

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        """The RFC 9457 body; ``code`` is our stable extension member."""
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "code": self.code,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extensions)
        return body

    @classmethod
    def from_problem(cls, problem: Mapping[str, Any]) -> DomainError:
        """Rebuild an error received over the bus, keeping its status, code and message."""
        status = int(problem.get("status", 500))
        error_class = _CLASS_BY_STATUS.get(status, DomainError)
        known = {"type", "title", "status", "code", "detail", "instance"}
        extras = {k: v for k, v in problem.items() if k not in known}
        return error_class(
            str(problem.get("title") or error_class.default_title),
            code=str(problem.get("code") or error_class.default_code),
            detail=problem.get("detail"),
            **extras,
        )


class InvalidInput(DomainError):
    status = 400
    default_code = "requete-invalide"
    default_title = "La requête est invalide."


class AuthenticationFailed(DomainError):
    status = 401
    default_code = "certificat-invalide"
    default_title = "Le certificat client est invalide."


class Forbidden(DomainError):
    status = 403
    default_code = "acces-refuse"
    default_title = "Accès refusé."


class NotFound(DomainError):
    status = 404
    default_code = "introuvable"
    default_title = "Ressource introuvable."


class MethodNotAllowed(DomainError):
    status = 405
    default_code = "methode-non-autorisee"
    default_title = "Cette méthode HTTP n'est pas acceptée à cette adresse."


class Conflict(DomainError):
    status = 409
    default_code = "conflit"
    default_title = "L'opération est impossible dans l'état actuel."


class RequestTimeout(DomainError):
    status = 408
    default_code = "corps-incomplet"
    default_title = "Le fichier n'est pas arrivé en entier : l'envoi s'est interrompu."


class PayloadTooLarge(DomainError):
    status = 413
    default_code = "fichier-trop-volumineux"
    default_title = "Le fichier dépasse la taille autorisée."


class UnsupportedMedia(DomainError):
    status = 415
    default_code = "format-non-supporte"
    default_title = "Ce format de fichier n'est pas pris en charge."


class TooManyRequests(DomainError):
    status = 429
    default_code = "trop-de-requetes"
    default_title = "Trop de requêtes : réessayez plus tard."


class Unavailable(DomainError):
    status = 503
    default_code = "service-indisponible"
    default_title = "Le service est momentanément indisponible : réessayez plus tard."


_CLASS_BY_STATUS: dict[int, type[DomainError]] = {
    cls.status: cls
    for cls in (
        InvalidInput,
        AuthenticationFailed,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UnsupportedMedia,
        TooManyRequests,
        Unavailable,
    )
}


def error_for_status(status: int) -> DomainError:
    """The error of the tree for an HTTP status the framework produced (no route, wrong method, a body
    it could not parse); a status outside the tree keeps its number with a generic French title."""
    known = _CLASS_BY_STATUS.get(status)
    if known is not None:
        return known()
    error_class = _OTHER_STATUSES.get(status)
    if error_class is None:
        attributes = {"status": status, "default_code": f"http-{status}", "default_title": _OTHER_TITLE}
        error_class = type(f"HttpError{status}", (DomainError,), attributes)
        _OTHER_STATUSES[status] = error_class
    return error_class()


_OTHER_TITLE = "La requête ne peut pas être servie sous cette forme."
_OTHER_STATUSES: dict[int, type[DomainError]] = {}
