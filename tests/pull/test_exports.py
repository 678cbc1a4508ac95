"""Every export flow through the real gateway (mTLS, nats-server, database): the XML file reads back with
our codecs and holds exactly what was loaded; its zip and JSON variants hold the same."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from services.common.demo import DemoSchool
from services.common.formats.zipsafe import read_zip_member
from services.common.records import from_data
from tests.pull.conftest import YEAR, export_path
from tests.pull.files import FILES, FlowFile, content
from tests.support.pki import SCHOOL_A
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")

CLIENT_OF = {"emploi-du-temps": "school-a-edt"}  # a timetable product; the rest: school life


async def fetch(platform: Platform, file: FlowFile, **params: str) -> httpx.Response:
    async with platform.editor(CLIENT_OF.get(file.flow, "school-a-pronote")) as editor:
        response = await editor.get(export_path(SCHOOL_A, file.flow), params={**file.query, **params})
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.name)
async def test_xml_export_reads_back_as_what_was_loaded(
    platform: Platform, school_a: DemoSchool, file: FlowFile
) -> None:
    response = await fetch(platform, file)

    assert response.headers["content-type"] == "application/xml; charset=ISO-8859-15"
    assert response.content.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>')  # CRLF: Communs
    model = file.read(response.content)
    assert content(file, model) == content(file, file.expected(school_a))
    assert response.headers["Type-Export"] == "complet"
    assert response.headers["Curseur-Suivant"]
    assert response.headers["ETag"].startswith('W/"')


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.name)
async def test_zip_and_json_variants_agree_with_the_xml(platform: Platform, file: FlowFile) -> None:
    xml = file.read((await fetch(platform, file)).content)

    zipped = await fetch(platform, file, format="zip")
    member, inner = read_zip_member(zipped.content, filename="export.zip")
    as_json = await fetch(platform, file, format="json")

    assert zipped.headers["content-type"] == "application/zip"
    assert zipped.headers["Content-Disposition"].endswith('.zip"')
    assert member.endswith(".xml")
    assert content(file, file.read(inner)) == content(file, xml)
    assert content(file, from_data(file.model, as_json.json())) == content(file, xml)


async def test_accept_header_chooses_the_variant(platform: Platform) -> None:
    async with platform.editor("school-a-pronote") as editor:
        as_json = await editor.get(
            export_path(SCHOOL_A, "structures"), headers={"Accept": "application/json"}
        )
        as_zip = await editor.get(export_path(SCHOOL_A, "structures"), headers={"Accept": "application/zip"})
        default = await editor.get(export_path(SCHOOL_A, "structures"), headers={"Accept": "*/*"})

    assert json.loads(as_json.content)["export"] == "complet"
    assert as_zip.content.startswith(b"PK\x03\x04")
    assert default.headers["content-type"].startswith("application/xml")


async def test_unchanged_export_is_not_modified(platform: Platform) -> None:
    async with platform.editor("school-a-pronote") as editor:
        first = await editor.get(export_path(SCHOOL_A, "structures"))
        again = await editor.get(
            export_path(SCHOOL_A, "structures"), headers={"If-None-Match": first.headers["ETag"]}
        )
        other = await editor.get(
            export_path(SCHOOL_A, "structures"),
            params={"format": "json"},
            headers={"If-None-Match": first.headers["ETag"]},
        )

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["Curseur-Suivant"] == first.headers["Curseur-Suivant"]
    assert other.status_code == 200  # another representation has another ETag


async def test_served_export_is_a_sync_with_counts_bytes_and_cursor(
    platform: Platform, school_a: DemoSchool
) -> None:
    async with platform.editor("school-a-pronote") as editor:
        response = await editor.get(export_path(SCHOOL_A, "eleves"))

    sync = await platform.wait_for_sync(response.headers["Sync-Id"], "served")
    pupils = len(school_a.eleves.donnees.eleves or [])
    expected: dict[str, Any] = {"flow": "eleves", "uai": SCHOOL_A, "year": YEAR, "product": "pronote"}
    assert {key: sync[key] for key in expected} == expected
    assert sync["payload_bytes"] == len(response.content)
    assert sync["counts"]["ELEVE"] == pupils
    assert sync["cursor"] == response.headers["Curseur-Suivant"]
    assert sync["duration_ms"] > 0


async def test_gateway_serves_a_confirmed_copy_of_an_unchanged_export(platform: Platform) -> None:
    async with platform.editor("school-a-pronote") as editor:
        first = await editor.get(export_path(SCHOOL_A, "responsables"), params={"format": "zip"})
        second = await editor.get(export_path(SCHOOL_A, "responsables"), params={"format": "zip"})

    assert second.content == first.content
    assert second.headers["ETag"] == first.headers["ETag"]
    sync = await platform.wait_for_sync(second.headers["Sync-Id"], "served")
    assert sync["payload_bytes"] == len(second.content)
    assert sync["counts"] == (await platform.wait_for_sync(first.headers["Sync-Id"], "served"))["counts"]
