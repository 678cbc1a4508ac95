"""End to end: an editor pulls the nomenclatures with its certificate; supervision records the sync."""

from __future__ import annotations

from lxml import etree

from services.common.formats.bee_nomenclatures import read_bee_nomenclatures
from tests.integration.conftest import YEAR
from tests.support.pki import SCHOOL_A
from tests.support.platform import Platform

PATH = f"/v1/etablissements/{SCHOOL_A}/annees/{YEAR}/nomenclatures"


async def test_nomenclatures_export_is_real_iso_8859_15_xml_and_recorded_as_served(
    platform: Platform,
) -> None:
    async with platform.editor("school-a-edt") as client:
        response = await client.get(PATH)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=ISO-8859-15"
    assert response.content.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_NOMENCLATURES')
    assert etree.fromstring(response.content).getroottree().docinfo.encoding == "ISO-8859-15"
    document = read_bee_nomenclatures(response.content)
    assert document.parametres.uaj == SCHOOL_A
    assert document.parametres.annee_scolaire == YEAR

    sync = await platform.wait_for_sync(response.headers["Sync-Id"], "served")
    assert (sync["uai"], sync["flow"], sync["direction"]) == (SCHOOL_A, "nomenclatures", "export")
    assert (sync["editor"], sync["product"]) == ("index-education", "edt")
    assert sync["certificate_serial"]
    assert sync["payload_bytes"] == len(response.content)
    assert [event["state"] for event in sync["events"]] == ["served"]


async def test_same_connection_serves_several_requests(platform: Platform) -> None:
    async with platform.editor("school-a-edt") as client:
        first = await client.get(PATH)
        second = await client.get(PATH)
    assert first.status_code == second.status_code == 200
    assert first.headers["Sync-Id"] != second.headers["Sync-Id"]


async def test_who_am_i_describes_the_certificate(platform: Platform) -> None:
    async with platform.editor("school-b-pronote") as client:
        me = (await client.get("/v1/moi")).json()
    assert (me["uai"], me["editeur"], me["produit"]) == ("0332490C", "index-education", "pronote")
    assert "eleves" in me["flux_autorises"]
    assert "emploi-du-temps" not in me["flux_autorises"]
    assert me[
        "numero_serie"
    ] == f"{platform.pki.clients['school-b-pronote'].certificate.serial_number:X}".zfill(
        len(me["numero_serie"])
    )
