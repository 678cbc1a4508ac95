"""Every hostile or wrong file pushed through the gateway is refused with its code, recorded, and changes
nothing (the corpus is the formats package's own, see tests/formats)."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import httpx
import pytest

from services.common.demo import DemoSchool
from services.common.formats.bee_structures import write_bee_structures
from services.common.formats.edt_sts import write_edt_sts
from services.gateway import import_routes
from tests.formats.test_xmlsafe import BILLION_LAUGHS, DOCTYPE_AFTER_COMMENT, EXTERNAL_DTD, XXE, deep
from tests.formats.test_zipsafe import archive
from tests.push.pushing import push_path, timetable_of
from tests.support.pki import SCHOOL_B
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310105W"
TIMETABLE, LINKS = "emploi-du-temps", "liens-eleves-groupes"
XML, ZIP = "application/xml", "application/zip"
KLINGON = b'<?xml version="1.0" encoding="KLINGON-1"?><A/>'


def _zip_bomb() -> bytes:
    """200 MB of zeros deflated to about 200 KB."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as written,
        written.open("emp.xml", "w") as member,
    ):
        for _ in range(200):
            member.write(bytes(1024 * 1024))
    return buffer.getvalue()


def _cases(school: DemoSchool) -> list[tuple[str, str, bytes, str, int, str]]:
    """(name, flow, body, media type, status, code)."""
    good = timetable_of(school)
    other_school = write_edt_sts(dataclasses.replace(school.edt_sts, uaj=SCHOOL_B))
    many = [(f"f{i}.txt", b"x") for i in range(40)]
    other_year = good.replace(b"<ANNEE_SCOLAIRE>2026<", b"<ANNEE_SCOLAIRE>2027<")
    return [
        ("billion-laughs", TIMETABLE, BILLION_LAUGHS, XML, 400, "xml-doctype-interdit"),
        ("xxe", TIMETABLE, XXE, XML, 400, "xml-doctype-interdit"),
        ("external-dtd", TIMETABLE, EXTERNAL_DTD, XML, 400, "xml-doctype-interdit"),
        ("doctype-after-comment", LINKS, DOCTYPE_AFTER_COMMENT, XML, 400, "xml-doctype-interdit"),
        ("deep-nesting", TIMETABLE, deep(10_000), XML, 400, "xml-trop-profond"),
        ("undeclared-entity", TIMETABLE, b"<EDT_STS>&x;</EDT_STS>", XML, 400, "xml-entite-interdite"),
        ("truncated", TIMETABLE, good[: len(good) // 2], XML, 400, "xml-mal-forme"),
        (
            "bad-encoding",
            TIMETABLE,
            b'<?xml version="1.0" encoding="KLINGON-1"?><A/>',
            XML,
            400,
            "encodage-invalide",
        ),
        ("zip-bomb", TIMETABLE, _zip_bomb(), ZIP, 400, "zip-bombe"),
        ("zip-slip", TIMETABLE, archive(("../emp_sts.xml", good)), ZIP, 400, "zip-chemin-interdit"),
        ("zip-in-zip", TIMETABLE, archive(("emp.zip", archive(("emp.xml", good)))), ZIP, 400, "zip-imbrique"),
        ("zip-many", TIMETABLE, archive(*many), ZIP, 400, "zip-trop-d-entrees"),
        ("not-a-zip", TIMETABLE, b"PK\x03\x04 truncated", ZIP, 400, "zip-invalide"),
        ("wrong-root", TIMETABLE, write_bee_structures(school.structures), XML, 400, "racine-inattendue"),
        ("timetable-as-links", LINKS, good, XML, 400, "racine-inattendue"),
        ("other-school", TIMETABLE, other_school, XML, 400, "uai-non-concordant"),
        ("other-year", TIMETABLE, other_year, XML, 400, "annee-non-concordante"),
        ("media-type", TIMETABLE, good, "text/csv", 415, "format-non-supporte"),
        ("too-large", TIMETABLE, good, XML, 413, "fichier-trop-volumineux"),
    ]


async def test_hostile_and_wrong_files_are_refused_recorded_and_change_nothing(
    platform: Platform, loaded: DemoSchool, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _cases(loaded)
    found = []
    async with platform.editor(f"{UAI}-edt") as edt, platform.editor(f"{UAI}-pronote") as pronote:
        before = (await edt.get(push_path(UAI, TIMETABLE))).headers["ETag"]
        for name, flow, body, media, _status, _code in cases:
            if name == "too-large":
                monkeypatch.setattr(import_routes, "MAX_PUSH_BYTES", len(body) - 1)
            editor = edt if flow == TIMETABLE else pronote
            response = await editor.post(push_path(UAI, flow), content=body, headers={"Content-Type": media})
            found.append((name, response.status_code, response.json()["code"]))
            await _check_recorded(platform, editor, response)
        after = (await edt.get(push_path(UAI, TIMETABLE))).headers["ETag"]

    assert found == [(name, status, code) for name, _f, _b, _m, status, code in cases]
    assert before == after


async def _check_recorded(platform: Platform, editor: httpx.AsyncClient, response: httpx.Response) -> None:
    """The refusal names its sync; supervision has it with the code; a refused file says why at its
    status URL (a refused request, 413 or 415, is no file: supervision only)."""
    problem = response.json()
    sync = await platform.wait_for_sync(
        problem["sync_id"], "rejected" if response.status_code == 400 else "refused"
    )
    assert sync["problem_code"] == problem["code"]
    if response.status_code == 400:
        status = (await editor.get(f"/v1/syncs/{problem['sync_id']}")).json()
        assert (status["etat"], status["rapport"][0]["code"]) == ("rejected", problem["code"])
        assert status["raison"]
