"""The hostile-input corpus against both push endpoints (issue 15): every DOCTYPE and entity case of
``tests/formats/test_xmlsafe_layers.py`` in every byte-order-mark and encoding variant, bare and zipped,
zip bombs, and a file with a million elements of one name. Each case must be answered (the client's
bound detects a hang, it measures nothing) with its status and stable code, journaled by supervision
under the sync id the answer names, and change nothing in STS or BEE."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from services.common.demo import DemoSchool
from tests.formats.test_xmlsafe_layers import ENCODING_REFUSED, HOSTILE, variants
from tests.formats.test_zipsafe import archive
from tests.push.pushing import push_path
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")
UAI = "0310113E"
YEAR = 2026
TIMETABLE, LINKS = "emploi-du-temps", "liens-eleves-groupes"
HANG_BOUND = httpx.Timeout(30.0)
ZIPPED_VARIANTS = ("utf8-bom", "utf16le-bom")


def _bomb(member: str, megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as written, written.open(member, "w") as out:
        for _ in range(megabytes):
            out.write(bytes(1024 * 1024))
    return buffer.getvalue()


def _cases(root: str) -> list[tuple[str, bytes, str, str]]:
    """(name, body, media type, code) for a flow whose root element is ``root``."""
    cases = []
    for case, document in sorted(HOSTILE.items()):
        document = document.replace("EDT_STS", root)
        for variant, body in sorted(variants(document).items()):
            code = "encodage-invalide" if variant in ENCODING_REFUSED else "xml-doctype-interdit"
            cases.append((f"{case}/{variant}", body, "application/xml", code))
            if variant in ZIPPED_VARIANTS:
                cases.append((f"{case}/{variant}/zip", archive(("f.xml", body)), "application/zip", code))
    cases.append(("zip-bomb", _bomb("f.xml", 200), "application/zip", "zip-bombe"))
    if root == "EDT_STS":
        cases.append(("a-million-salle-cours", _many_rooms(), "application/xml", "xml-trop-d-elements"))
    return cases


def _many_rooms() -> bytes:
    """The issue's valid-looking 29 MB EDT_STS with 1,000,000 SALLE_COURS (the cap is per element name)."""
    head = f"<EDT_STS><PARAMETRES><UAJ>{UAI}</UAJ><ANNEE_SCOLAIRE>{YEAR}</ANNEE_SCOLAIRE></PARAMETRES>"
    rooms = b"<SALLE_COURS>S1</SALLE_COURS>" * 1_000_000
    return head.encode() + b"<DONNEES>" + rooms + b"</DONNEES></EDT_STS>"


async def _fingerprints(editor: httpx.AsyncClient) -> tuple[str, str]:
    """What the pushes could change: the STS timetable export and BEE's structures (groups)."""
    sts = await editor.get(push_path(UAI, TIMETABLE))
    bee = await editor.get(push_path(UAI, "structures"))
    assert (sts.status_code, bee.status_code) == (200, 200)
    return sts.headers["ETag"], bee.headers["ETag"]


@pytest.mark.parametrize(("flow", "root"), [(TIMETABLE, "EDT_STS"), (LINKS, "IMPORT_ELEVES")])
async def test_every_hostile_body_is_refused_journaled_and_changes_nothing(
    platform: Platform, loaded: DemoSchool, flow: str, root: str
) -> None:
    cases = _cases(root)
    answered, refusals = [], []
    product = "edt" if flow == TIMETABLE else "pronote"
    edt = platform.editor(f"{UAI}-edt")
    edt.timeout = HANG_BOUND
    async with edt, platform.editor(f"{UAI}-{product}") as editor:
        editor.timeout = HANG_BOUND
        before = await _fingerprints(edt)
        for name, body, media, _code in cases:
            response = await editor.post(push_path(UAI, flow), content=body, headers={"Content-Type": media})
            problem = response.json()
            answered.append((name, response.status_code, problem["code"]))
            refusals.append(problem)
        after = await _fingerprints(edt)

    assert answered == [(name, 400, code) for name, _b, _m, code in cases]
    assert after == before
    for problem in refusals:
        sync = await platform.wait_for_sync(problem["sync_id"], "rejected", within=30)
        assert sync["problem_code"] == problem["code"]
