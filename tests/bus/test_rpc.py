"""One request/reply mechanism: typed both ways, a domain error comes back as itself, silence and bad
requests have their own codes, and a subject is served or asked only with its declared models. Real
nats-server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.common import subjects
from services.common.bus import Bus, rpc
from services.common.errors import Conflict, DomainError, InvalidInput, Unavailable
from services.common.imports import ImportStatus, SchoolImportState, SchoolStateRequest, StatusRequest
from services.common.localnats import NatsProcess
from services.common.settings import NatsSettings

SUBJECT = subjects.import_school_state("sts")
TOULOUSE, CLOSED, BROKEN = (
    SchoolStateRequest(uai=uai, year=2026) for uai in ("0310053P", "0000000A", "9999999Z")
)


@pytest.fixture
async def bus(fresh_nats: NatsProcess) -> AsyncIterator[Bus]:
    the_bus = Bus(NatsSettings(url=fresh_nats.url, request_timeout=2), name="test")
    await the_bus.connect()
    yield the_bus
    await the_bus.close()


async def _school(request: SchoolStateRequest) -> SchoolImportState:
    if request.uai == "0000000A":
        raise Conflict("L'année n'est pas ouverte.", code="annee-non-ouverte", detail="2026-2027")
    if request.uai == "9999999Z":
        raise RuntimeError("bug")
    return SchoolImportState(service="sts", uai=request.uai, year=request.year, annee_ouverte=True)


async def test_the_reply_model_comes_back_typed(bus: Bus) -> None:
    await rpc.serve(bus, SUBJECT, "sts", SchoolStateRequest, SchoolImportState, _school)
    reply = await rpc.ask(
        bus, SUBJECT, SchoolStateRequest(uai="0310053P", year=2026), SchoolImportState, within=2
    )
    assert reply == SchoolImportState(service="sts", uai="0310053P", year=2026, annee_ouverte=True)


async def test_a_domain_error_is_raised_again_on_the_asking_side(bus: Bus) -> None:
    await rpc.serve(bus, SUBJECT, "sts", SchoolStateRequest, SchoolImportState, _school)
    with pytest.raises(Conflict) as raised:
        await rpc.ask(
            bus, SUBJECT, SchoolStateRequest(uai="0000000A", year=2026), SchoolImportState, within=2
        )
    assert (raised.value.status, raised.value.code, raised.value.title, raised.value.detail) == (
        409,
        "annee-non-ouverte",
        "L'année n'est pas ouverte.",
        "2026-2027",
    )
    with pytest.raises(DomainError) as unexpected:  # a bug is a generic 500, never the traceback
        await rpc.ask(
            bus, SUBJECT, SchoolStateRequest(uai="9999999Z", year=2026), SchoolImportState, within=2
        )
    assert unexpected.value.status == 500


async def test_an_unreadable_request_and_silence_have_their_codes(bus: Bus) -> None:
    await rpc.serve(bus, SUBJECT, "sts", SchoolStateRequest, SchoolImportState, _school)
    reply = await bus.nc.request(SUBJECT, b'{"uai": "0310053P", "year": 2026, "en_trop": 1}', timeout=2)
    with pytest.raises(InvalidInput) as refused:
        rpc.decode(reply.data, reply.headers, SchoolImportState)
    assert refused.value.code == "demande-invalide"

    with pytest.raises(Unavailable) as silent:
        await rpc.ask(
            bus, subjects.import_status("bee"), StatusRequest(sync_id="s"), ImportStatus, within=0.5
        )
    assert (silent.value.code, silent.value.title) == (
        "service-sans-reponse",
        "Le service BEE n'a pas répondu : réessayez dans un instant.",
    )


async def test_a_subject_is_served_and_asked_only_with_its_declared_models(bus: Bus) -> None:
    with pytest.raises(TypeError, match="declared SchoolStateRequest -> SchoolImportState"):
        await rpc.serve(bus, SUBJECT, "sts", StatusRequest, SchoolImportState, _school)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no request/reply contract"):
        await rpc.ask(bus, "sts.sujet.inconnu", StatusRequest(sync_id="s"), ImportStatus, within=1)
