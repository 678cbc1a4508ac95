"""Cursors: signed, bound to one school, year and service, and refused once the journal has moved on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from services.bee import tables
from services.bee.pupils import delete_eleves
from services.common.db import transaction
from services.common.demo import SchoolKind, generate_school
from services.common.pull.journal import Scope
from tests.pull.conftest import SEED, YEAR, export_path, load_school
from tests.support.pki import SCHOOL_A, TestPki
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")

SMALL_SCHOOL = "0690001B"  # this module's own: its journal gets pruned


@pytest_asyncio.fixture(scope="module", loop_scope="package")
async def small_platform(platform: Platform, test_pki: TestPki) -> Platform:
    test_pki.issue("small-pronote", SMALL_SCHOOL, "pronote")
    school = generate_school(SchoolKind.COLLEGE, uai=SMALL_SCHOOL, year=YEAR, seed=SEED, pupils=20)
    await load_school(platform, school)
    return platform


async def test_cursor_of_another_school_or_flow_service_is_refused(small_platform: Platform) -> None:
    async with small_platform.editor("school-a-pronote") as editor:
        theirs = (await editor.get(export_path(SCHOOL_A, "structures"))).headers["Curseur-Suivant"]
    async with small_platform.editor("small-pronote") as editor:
        foreign = await editor.get(export_path(SMALL_SCHOOL, "structures"), params={"depuis": theirs})

    assert (foreign.status_code, foreign.json()["code"]) == (400, "curseur-invalide")


async def test_cursor_older_than_the_journal_asks_for_a_full_export(small_platform: Platform) -> None:
    async with small_platform.editor("small-pronote") as editor:
        old = (await editor.get(export_path(SMALL_SCHOOL, "eleves"))).headers["Curseur-Suivant"]
    bee = small_platform.bee_app.state
    scope = Scope(SMALL_SCHOOL, YEAR)
    async with transaction(bee.runtime.sessions) as session:
        leaving = (await tables.ELEVES.keys(session, scope))[0][0]
        await delete_eleves(session, bee.journal, scope, [leaving])  # a change after the cursor...
        await bee.journal.prune(session, scope, now=datetime.now(UTC) + timedelta(days=365))  # ...forgotten

    async with small_platform.editor("small-pronote") as editor:
        stale = await editor.get(export_path(SMALL_SCHOOL, "eleves"), params={"depuis": old})
        fresh = await editor.get(export_path(SMALL_SCHOOL, "eleves"))
        delta = await editor.get(
            export_path(SMALL_SCHOOL, "eleves"), params={"depuis": fresh.headers["Curseur-Suivant"]}
        )

    assert (stale.status_code, stale.json()["code"]) == (409, "curseur-perime")
    assert "export complet" in stale.json()["title"]
    assert (fresh.status_code, delta.status_code) == (200, 200)
