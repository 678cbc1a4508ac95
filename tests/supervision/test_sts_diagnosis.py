"""STS's side of the group diagnosis, over a real nats-server and STS's real tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from services.common.bus import Bus
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.demo import SchoolKind, generate_school
from services.common.diagnosis import GroupQuestion
from services.common.localnats import NatsProcess
from services.common.pull.journal import Scope
from services.common.settings import NatsSettings
from services.sts.diagnosis import serve_diagnosis
from services.sts.models import MODELS as STS_MODELS
from services.sts.service import load_sts_edt, sts_journal
from services.supervision.diagnosis_client import DiagnosisClient
from tests.support.databases import fresh_database

UAI, YEAR = "0332490C", 2026
SCHOOL = generate_school(SchoolKind.COLLEGE, uai=UAI, year=YEAR, seed=11)


def taught_group() -> tuple[str, str, str]:
    """A group with a service, the STS id of one of its teachers, and that teacher's surname."""
    groupe = next(g for g in SCHOOL.sts_edt.groupes if g.services and g.services[0].enseignants)
    teacher_id = groupe.services[0].enseignants[0].individu_id
    teacher = next(i for i in SCHOOL.sts_edt.individus if i.individu_id == teacher_id)
    return groupe.code, teacher_id, teacher.nom_usage or ""


@pytest.fixture
async def sts(tmp_path: Path, db_backend: str, fresh_nats: NatsProcess) -> AsyncIterator[DiagnosisClient]:
    async with fresh_database(db_backend, tmp_path, "sts") as database:
        engine = create_engine(database)
        await create_tables(engine, STS_MODELS)
        async with transaction(session_factory(engine)) as session:
            await load_sts_edt(session, sts_journal(timedelta(days=60)), Scope(UAI, YEAR), SCHOOL.sts_edt)
        sts_bus, supervision_bus = (
            Bus(NatsSettings(url=fresh_nats.url), name=n) for n in ("sts", "supervision")
        )
        await sts_bus.connect()
        await supervision_bus.connect()
        try:
            await serve_diagnosis(sts_bus, session_factory(engine))
            yield DiagnosisClient(supervision_bus, timeout=5)
        finally:
            await supervision_bus.close()
            await sts_bus.close()
            await engine.dispose()


async def test_teacher_with_a_service_on_the_group_is_found_by_name(sts: DiagnosisClient) -> None:
    code, teacher_id, surname = taught_group()
    answer = await sts.sts_group(GroupQuestion(uai=UAI, year=YEAR, group_code=code, teacher=surname.lower()))
    assert (answer.group_found, answer.kind, answer.teacher_found, answer.teacher_has_service) == (
        True,
        "groupe",
        True,
        True,
    )
    assert teacher_id in {service.teacher_id for service in answer.services}
    assert answer.divisions  # a group is made of divisions


async def test_teacher_without_a_service_on_the_group_is_told_apart(sts: DiagnosisClient) -> None:
    code, _, _ = taught_group()
    groupe = next(g for g in SCHOOL.sts_edt.groupes if g.code == code)
    teaching = {e.individu_id for s in groupe.services for e in s.enseignants}
    other = next(i.individu_id for i in SCHOOL.sts_edt.individus if i.individu_id not in teaching)
    answer = await sts.sts_group(GroupQuestion(uai=UAI, year=YEAR, group_code=code, teacher=other))
    assert (answer.teacher_found, answer.teacher_has_service) == (True, False)


async def test_unknown_group_and_unknown_teacher(sts: DiagnosisClient) -> None:
    answer = await sts.sts_group(GroupQuestion(uai=UAI, year=YEAR, group_code="ZZZZ", teacher="Personne"))
    assert (answer.group_found, answer.teacher_found) == (False, False)
