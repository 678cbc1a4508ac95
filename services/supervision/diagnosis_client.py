"""Asking ``bee`` and ``sts`` for diagnoses over the bus (:mod:`services.common.bus.rpc`)."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from services.common import subjects
from services.common.bus import Bus, rpc
from services.common.diagnosis import (
    BeeGroupAnswer,
    GroupQuestion,
    QualityReport,
    QualityRequest,
    StsGroupAnswer,
)

Answer = TypeVar("Answer", bound=BaseModel)


class DiagnosisClient:
    def __init__(self, bus: Bus, *, timeout: float) -> None:
        self.bus = bus
        self.timeout = timeout

    async def quality_report(self, uai: str, year: int) -> QualityReport:
        return await self._ask(subjects.BEE_QUALITY_REPORT, QualityRequest(uai=uai, year=year), QualityReport)

    async def sts_group(self, question: GroupQuestion) -> StsGroupAnswer:
        return await self._ask(subjects.STS_DIAGNOSIS_GROUP, question, StsGroupAnswer)

    async def bee_group(self, question: GroupQuestion) -> BeeGroupAnswer:
        return await self._ask(subjects.BEE_DIAGNOSIS_GROUP, question, BeeGroupAnswer)

    async def _ask(self, subject: str, request: BaseModel, answer: type[Answer]) -> Answer:
        return await rpc.ask(self.bus, subject, request, answer, within=self.timeout)
