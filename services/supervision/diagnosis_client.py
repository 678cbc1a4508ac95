"""Asking ``bee`` and ``sts`` over the bus (request/reply, see :mod:`services.common.diagnosis`)."""

from __future__ import annotations

import nats.errors
from pydantic import BaseModel

from services.common import subjects
from services.common.bus import Bus
from services.common.diagnosis import (
    Answer,
    BeeGroupAnswer,
    GroupQuestion,
    QualityReport,
    QualityRequest,
    StsGroupAnswer,
    decode_reply,
)
from services.common.errors import Unavailable


class DiagnosisClient:
    def __init__(self, bus: Bus, *, timeout: float) -> None:
        self.bus = bus
        self.timeout = timeout

    async def quality_report(self, uai: str, year: int) -> QualityReport:
        return await self._ask(
            subjects.BEE_QUALITY_REPORT, QualityRequest(uai=uai, year=year), QualityReport, "BEE"
        )

    async def sts_group(self, question: GroupQuestion) -> StsGroupAnswer:
        return await self._ask(subjects.STS_DIAGNOSIS_GROUP, question, StsGroupAnswer, "STS")

    async def bee_group(self, question: GroupQuestion) -> BeeGroupAnswer:
        return await self._ask(subjects.BEE_DIAGNOSIS_GROUP, question, BeeGroupAnswer, "BEE")

    async def _ask(self, subject: str, request: BaseModel, answer: type[Answer], service: str) -> Answer:
        try:
            reply = await self.bus.nc.request(
                subject, request.model_dump_json().encode(), timeout=self.timeout
            )
        except (nats.errors.TimeoutError, nats.errors.NoRespondersError) as error:
            raise Unavailable(
                f"Le service {service} n'a pas répondu : réessayez dans un instant.",
                code="service-sans-reponse",
            ) from error
        return decode_reply(reply.data, answer)
