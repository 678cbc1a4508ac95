"""The ``historique-eleves`` export through the real gateway: each pupil's years as BEE holds them, the
previous one in SIECLE's SCOLARITE_AN_DERNIER shape; full and delta, zip and JSON, ETag, product rights,
recorded by supervision."""

from __future__ import annotations

import pytest

from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.formats.bee_historique import read_bee_historique
from services.common.formats.schemas import validate_against_xsd
from services.common.formats.zipsafe import read_zip_member
from services.common.sandbox import school_history
from tests.pull.conftest import SEED, YEAR, export_path, load_school
from tests.support.pki import TestPki
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")

UAI = "0311586F"  # this module's own school (a CPGE), loaded for two years
FLOW = "historique-eleves"


@pytest.fixture(scope="module")
def years(test_pki: TestPki) -> tuple[DemoSchool, DemoSchool]:
    test_pki.issue("history-pronote", UAI, "pronote")
    test_pki.issue("history-edt", UAI, "edt")
    # The same seed gives the same pupils (same INE) a year apart, as the bascule carries them over.
    return tuple(generate_school(SchoolKind.CPGE, uai=UAI, year=y, seed=SEED) for y in (YEAR - 1, YEAR))  # type: ignore[return-value]


async def test_every_pupil_has_last_year_and_every_year_held(
    platform: Platform, years: tuple[DemoSchool, DemoSchool]
) -> None:
    last_year, this_year = years
    for school in years:
        await load_school(platform, school)
    async with platform.editor("history-pronote") as editor:
        response = await editor.get(export_path(UAI, FLOW))
        as_json = await editor.get(export_path(UAI, FLOW), params={"format": "json"})
        zipped = await editor.get(export_path(UAI, FLOW), params={"format": "zip"})

    assert response.status_code == 200, response.text
    validate_against_xsd(response.content, "bee_historique_eleves")
    history = read_bee_historique(response.content)
    pupils = this_year.eleves.donnees.eleves or []
    eleves = history.donnees.eleves or []
    assert [e.eleve_id for e in eleves] == sorted(p.eleve_id for p in pupils)
    before = {p.eleve_id: p for p in last_year.eleves.donnees.eleves or []}
    for eleve in eleves:
        assert [s.annee_scolaire for s in eleve.scolarites] == [str(YEAR - 1), str(YEAR)]
        assert eleve.scolarites[-1].code_rne == UAI
        an_dernier = eleve.scolarite_an_dernier
        assert an_dernier is not None
        assert an_dernier.code_rne == UAI  # held by the platform: last year was here
        assert an_dernier.code_mef == before[eleve.eleve_id].code_mef
        assert an_dernier.code_structure == eleve.scolarites[0].code_structure
    assert {s["annee_scolaire"] for e in as_json.json()["donnees"]["eleves"] for s in e["scolarites"]} == {
        str(YEAR - 1),
        str(YEAR),
    }
    member, inner = read_zip_member(zipped.content, filename="export.zip")
    assert zipped.headers["Content-Disposition"].endswith('ExportXML_HistoriqueEleves.zip"')
    assert member == "HistoriqueEleves.xml"
    assert read_bee_historique(inner).donnees == history.donnees  # the header is stamped per answer
    sync = await platform.wait_for_sync(response.headers["Sync-Id"], "served")
    assert (sync["flow"], sync["uai"], sync["product"]) == (FLOW, UAI, "pronote")


async def test_a_school_year_loaded_alone_keeps_what_siecle_wrote(
    platform: Platform, school_a: DemoSchool
) -> None:
    async with platform.editor("school-a-pronote") as editor:
        response = await editor.get(export_path(school_a.uai, FLOW))

    assert response.status_code == 200, response.text
    # the published sample (services/common/sandbox.py) derives it as BEE does
    assert read_bee_historique(response.content).donnees == school_history(school_a).donnees
    written = {p.eleve_id: p.scolarite_an_dernier for p in school_a.eleves.donnees.eleves or []}
    for eleve in read_bee_historique(response.content).donnees.eleves or []:
        assert eleve.scolarite_an_dernier == written[eleve.eleve_id]
        assert [s.annee_scolaire for s in eleve.scolarites] == [str(YEAR)]


async def test_etag_delta_and_product_rights(
    platform: Platform, years: tuple[DemoSchool, DemoSchool]
) -> None:
    async with platform.editor("history-pronote") as editor:
        full = await editor.get(export_path(UAI, FLOW))
        again = await editor.get(export_path(UAI, FLOW), headers={"If-None-Match": full.headers["ETag"]})
        delta = await editor.get(export_path(UAI, FLOW), params={"depuis": full.headers["Curseur-Suivant"]})
    async with platform.editor("history-edt") as timetable:
        refused = await timetable.get(export_path(UAI, FLOW))

    assert again.status_code == 304
    assert delta.status_code == 200, delta.text
    assert delta.headers["Type-Export"] == "differentiel"
    assert read_bee_historique(delta.content).donnees.eleves is None  # nothing changed since
    assert refused.status_code == 403
    assert refused.json()["code"] == "flux-non-autorise"
