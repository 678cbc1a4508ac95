"""The bus contract of diagnostics and data-quality reports, asked by supervision of ``bee`` and ``sts``.

Request/reply on core NATS (subjects in :mod:`services.common.subjects`), JSON both ways:

=================================  ==========================  =========================
subject                            request                     answer
=================================  ==========================  =========================
``bee.quality.report``             :class:`QualityRequest`     :class:`QualityReport`
``bee.diagnosis.group``            :class:`GroupQuestion`      :class:`BeeGroupAnswer`
``sts.diagnosis.group``            :class:`GroupQuestion`      :class:`StsGroupAnswer`
=================================  ==========================  =========================

A worker that cannot answer replies ``{"problem": {...}}`` (RFC 9457 body, see
:func:`encode_problem`); :func:`decode_reply` turns it back into the same :class:`DomainError`.
Workers listen in their service's queue group, like exports.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from nats.aio.msg import Msg
from pydantic import BaseModel, Field, ValidationError

from services.common.errors import DomainError, InvalidInput, Unavailable

log = logging.getLogger(__name__)


class QualityRequest(BaseModel):
    uai: str
    year: int


class IncompleteStudent(BaseModel):
    """A student record missing what the académie guides require (INE, birth date, division...)."""

    student_id: str
    last_name: str
    first_name: str
    division: str | None = None
    missing: list[str]  # field names as users know them: "INE", "date de naissance", "division"...


class DuplicateGuardians(BaseModel):
    """Guardian records that are likely one person entered twice (typically once per sibling)."""

    last_name: str
    first_name: str
    guardian_ids: list[str]
    students: list[str]  # the children each record is attached to, "NOM Prénom"
    reason: str  # why they look alike, in French: "même nom, prénom et adresse"


class QualityReport(BaseModel):
    uai: str
    year: int
    generated_at: datetime
    students_total: int
    guardians_total: int
    incomplete_students: list[IncompleteStudent] = Field(default_factory=list)
    duplicate_guardians: list[DuplicateGuardians] = Field(default_factory=list)


class GroupQuestion(BaseModel):
    """ "A teacher does not see a group": which group (code as in STS), and optionally which teacher
    (a name, or the STS ``ID`` of the individu)."""

    uai: str
    year: int
    group_code: str
    teacher: str | None = None


class TeacherService(BaseModel):
    teacher_id: str
    name: str
    subject: str | None = None


class StsGroupAnswer(BaseModel):
    group_found: bool
    kind: str | None = None  # "division" or "groupe"
    label: str | None = None
    divisions: list[str] = Field(default_factory=list)  # the divisions a group is made of
    services: list[TeacherService] = Field(default_factory=list)  # who teaches it
    teacher_found: bool | None = None  # None when no teacher was asked about
    teacher_has_service: bool | None = None


class BeeGroupAnswer(BaseModel):
    group_found: bool
    students_linked: int = 0  # students attached to the group in BEE
    students_expected: int | None = None  # students of the group's divisions, when BEE knows them
    last_links_update: datetime | None = None


Answer = TypeVar("Answer", bound=BaseModel)


def encode_answer(answer: BaseModel) -> bytes:
    return answer.model_dump_json().encode()


def encode_problem(error: DomainError) -> bytes:
    return json.dumps({"problem": error.to_problem()}, ensure_ascii=False).encode()


def decode_reply(data: bytes, answer_type: type[Answer]) -> Answer:
    """The answer, or the worker's problem raised as a :class:`DomainError`."""
    try:
        body = json.loads(data)
        if isinstance(body, dict) and isinstance(body.get("problem"), dict):
            raise DomainError.from_problem(body["problem"])
        return answer_type.model_validate(body)
    except (ValueError, ValidationError) as error:
        raise Unavailable("Réponse illisible du service interrogé.", code="reponse-illisible") from error


Request = TypeVar("Request", bound=BaseModel)


def parse_request(msg: Msg, model: type[Request]) -> Request:
    try:
        return model.model_validate_json(msg.data)
    except ValidationError as error:
        raise InvalidInput("Demande illisible.", code="demande-invalide", detail=str(error)) from error


def answering(handler: Callable[[Msg], Awaitable[BaseModel]]) -> Callable[[Msg], Awaitable[None]]:
    """A worker's side of the contract: every request gets an answer, a domain error becomes a problem
    the asker re-raises, an unexpected one a generic problem (and a log line)."""

    async def guarded(msg: Msg) -> None:
        try:
            reply = encode_answer(await handler(msg))
        except DomainError as error:
            reply = encode_problem(error)
        except Exception:
            log.exception("diagnosis request failed on %s", msg.subject)
            reply = encode_problem(DomainError())
        await msg.respond(reply)

    return guarded


def fold_name(*parts: str) -> str:
    """Compare names as people type them: no accents, case, hyphens or double spaces."""
    text = unicodedata.normalize("NFKD", " ".join(parts))
    plain = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("-", " ")
    return " ".join(plain.split())
