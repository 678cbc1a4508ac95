"""Who may pull what: the product's flows, the certificate's school, a year that exists."""

from __future__ import annotations

import pytest

from tests.pull.conftest import export_path
from tests.support.pki import SCHOOL_A, SCHOOL_B
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")


@pytest.mark.parametrize(
    ("client", "uai", "flow", "year", "status", "code"),
    [
        ("school-a-edt", SCHOOL_A, "eleves", 2026, 403, "flux-non-autorise"),  # timetable: no pupils
        ("school-a-edt", SCHOOL_A, "responsables", 2026, 403, "flux-non-autorise"),
        ("school-a-pronote", SCHOOL_A, "emploi-du-temps", 2026, 403, "flux-non-autorise"),  # school life
        ("school-a-pronote", SCHOOL_B, "eleves", 2026, 403, "etablissement-non-autorise"),
        ("school-b-pronote", SCHOOL_A, "structures", 2026, 403, "etablissement-non-autorise"),
        ("school-a-pronote", SCHOOL_A, "eleves", 2031, 404, "annee-inconnue"),
        ("school-a-edt", SCHOOL_A, "emploi-du-temps", 2031, 404, "annee-inconnue"),
    ],
)
async def test_refused_pull_says_why_and_is_recorded(
    platform: Platform, client: str, uai: str, flow: str, year: int, status: int, code: str
) -> None:
    async with platform.editor(client) as editor:
        response = await editor.get(export_path(uai, flow, year))

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.headers["content-type"] == "application/problem+json"
    sync = await platform.wait_for_sync(response.json()["sync_id"], "refused")
    assert (sync["flow"], sync["problem_code"]) == (flow, code)


async def test_timetable_product_gets_structures_and_its_export(platform: Platform) -> None:
    async with platform.editor("school-a-edt") as editor:
        structures = await editor.get(export_path(SCHOOL_A, "structures"))
        timetable = await editor.get(export_path(SCHOOL_A, "emploi-du-temps"))

    assert (structures.status_code, timetable.status_code) == (200, 200)
    assert timetable.headers["Content-Disposition"] == f'attachment; filename="sts_emp_{SCHOOL_A}_2026.xml"'


@pytest.mark.parametrize(("value", "code"), [("nimportequoi", "curseur-invalide"), ("", None)])
async def test_malformed_cursor_is_refused(platform: Platform, value: str, code: str | None) -> None:
    async with platform.editor("school-a-pronote") as editor:
        response = await editor.get(export_path(SCHOOL_A, "structures"), params={"depuis": value})

    if code is None:  # an empty cursor is no cursor: a full export
        assert response.headers["Type-Export"] == "complet"
    else:
        assert (response.status_code, response.json()["code"]) == (400, code)
