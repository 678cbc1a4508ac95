"""An export larger than a NATS message (1 MB) streams whole and correct: a school of 3,000 pupils."""

from __future__ import annotations

import pytest
import pytest_asyncio

from services.bee.service import load_eleves
from services.common.bus.chunks import CHUNK_SIZE
from services.common.db import transaction
from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.formats.bee_eleves import read_bee_eleves
from services.common.formats.zipsafe import read_zip_member
from services.common.pull.journal import Scope
from tests.pull.conftest import SEED, YEAR, export_path
from tests.pull.files import BY_NAME, content
from tests.support.pki import TestPki
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")

BIG_SCHOOL = "0750703G"
PUPILS = 3000
NATS_MAX_PAYLOAD = 1024 * 1024


@pytest.fixture(scope="module")
def big_school(test_pki: TestPki) -> DemoSchool:
    test_pki.issue("big-pronote", BIG_SCHOOL, "pronote")
    return generate_school(SchoolKind.LYCEE, uai=BIG_SCHOOL, year=YEAR, seed=SEED, pupils=PUPILS)


@pytest_asyncio.fixture(scope="module", loop_scope="package")
async def big_platform(platform: Platform, big_school: DemoSchool) -> Platform:
    bee = platform.bee_app.state
    async with transaction(bee.runtime.sessions) as session:
        await load_eleves(session, bee.journal, Scope(BIG_SCHOOL, YEAR), big_school.eleves)
    return platform


async def test_export_larger_than_a_bus_message_streams_whole(
    big_platform: Platform, big_school: DemoSchool
) -> None:
    file = BY_NAME["eleves-1"]
    path = export_path(BIG_SCHOOL, "eleves")
    async with big_platform.editor("big-pronote") as editor, editor.stream("GET", path) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers  # streamed, not buffered whole
        pieces = [piece async for piece in response.aiter_raw()]
    body = b"".join(pieces)

    assert len(body) > 3 * NATS_MAX_PAYLOAD
    assert len(pieces) > len(body) // CHUNK_SIZE // 2  # it came in many pieces, not one
    model = read_bee_eleves(body)
    assert len(model.donnees.eleves or []) == PUPILS
    assert content(file, model) == content(file, big_school.eleves)
    sync = await big_platform.wait_for_sync(response.headers["Sync-Id"], "served")
    assert sync["payload_bytes"] == len(body)


async def test_big_zip_export_streams_whole(big_platform: Platform) -> None:
    async with big_platform.editor("big-pronote") as editor:
        xml = await editor.get(export_path(BIG_SCHOOL, "eleves"), params={"format": "json"})
        zipped = await editor.get(export_path(BIG_SCHOOL, "eleves"), params={"format": "zip"})

    _, inner = read_zip_member(zipped.content, filename="ExportXML_ElevesAvecAdresses.zip")
    assert len(xml.json()["donnees"]["eleves"]) == PUPILS
    assert len(read_bee_eleves(inner).donnees.eleves or []) == PUPILS
