"""Request/reply between services: one typed way to serve a question and to ask it.

:func:`serve` answers ``subject`` in a queue group with the handler's reply model; :func:`ask` sends a
request model and returns the reply model. A :class:`~services.common.errors.DomainError` raised by the
handler travels back as its RFC 9457 problem (a ``Problem: 1`` header and the problem as the body) and
is raised again, the same class, code, status and French message, on the asking side. A request the
server cannot read is a ``demande-invalide`` problem; an unexpected failure a generic one (and a log
line on the server); silence (no responder, timeout) is ``service-sans-reponse``; a reply the asker
cannot read is ``reponse-illisible``. Every subject served or asked this way declares its request and
reply models in :mod:`services.common.contracts.registry` (``docs/contracts.md``).

Exports, answered in chunks, keep their own protocol (:mod:`services.common.bus.chunks`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from services.common.bus.client import Bus, NoAnswer
from services.common.errors import DomainError, InvalidInput, Unavailable

log = logging.getLogger(__name__)

Request = TypeVar("Request", bound=BaseModel)
Reply = TypeVar("Reply", bound=BaseModel)
PROBLEM_HEADER = "Problem"


async def serve(
    bus: Bus,
    subject: str,
    queue: str,
    request_type: type[Request],
    reply_type: type[Reply],
    handler: Callable[[Request], Awaitable[Reply]],
) -> None:
    """Answer ``subject`` in ``queue``: the handler's ``reply_type``, or its domain error as a problem."""
    _check_contract(subject, request_type, reply_type)

    async def respond(data: bytes) -> tuple[bytes, dict[str, str] | None]:
        return await _answer(subject, data, request_type, reply_type, handler)

    await bus.answer(subject, queue, respond)


async def ask(
    bus: Bus,
    subject: str,
    request: BaseModel,
    reply_type: type[Reply],
    *,
    within: float,
    silence: str | None = None,
) -> Reply:
    """Ask, and return the reply; the server's problem comes back as its domain error. ``silence``: the
    French message when nobody answers (by default, "the <SERVICE> service did not answer")."""
    _check_contract(subject, type(request), reply_type)
    try:
        data, headers = await bus.request(subject, request.model_dump_json().encode(), within=within)
    except NoAnswer as error:
        service = subject.split(".", 1)[0].upper()
        raise Unavailable(
            silence or f"Le service {service} n'a pas répondu : réessayez dans un instant.",
            code="service-sans-reponse",
        ) from error
    return decode(data, headers, reply_type)


def decode(data: bytes, headers: dict[str, str] | None, reply_type: type[Reply]) -> Reply:
    """The reply model, or the server's problem raised as the same :class:`DomainError`."""
    try:
        if (headers or {}).get(PROBLEM_HEADER):
            problem = json.loads(data)
            if not isinstance(problem, dict):
                raise ValueError("problem is not an object")
        else:
            return reply_type.model_validate_json(data)
    except (ValueError, ValidationError) as error:
        raise Unavailable("Réponse illisible du service interrogé.", code="reponse-illisible") from error
    raise DomainError.from_problem(problem)


async def _answer(
    subject: str,
    data: bytes,
    request_type: type[Request],
    reply_type: type[Reply],
    handler: Callable[[Request], Awaitable[Reply]],
) -> tuple[bytes, dict[str, str] | None]:
    try:
        request = request_type.model_validate_json(data)
    except ValidationError as error:
        return _problem(InvalidInput("Demande illisible.", code="demande-invalide", detail=str(error)))
    try:
        reply = await handler(request)
        if not isinstance(reply, reply_type):
            answered = type(reply).__name__
            raise TypeError(f"{subject}: the handler answered {answered}, not {reply_type.__name__}")
        return reply.model_dump_json().encode(), None
    except DomainError as error:
        return _problem(error)
    except Exception:
        log.exception("request handler failed on %s", subject)
        return _problem(DomainError())


def _problem(error: DomainError) -> tuple[bytes, dict[str, str]]:
    return json.dumps(error.to_problem(), ensure_ascii=False).encode(), {PROBLEM_HEADER: "1"}


def _check_contract(subject: str, request_type: type[BaseModel], reply_type: type[BaseModel]) -> None:
    # Imported here: the registry imports the services' models, which import the bus.
    from services.common.contracts.registry import check_request_reply

    check_request_reply(subject, request_type, reply_type)
