"""Every export flow through the real gateway carries, record for record, what a real SIECLE or STS file
carries (services/common/formats/completeness.py): read by our reader, then checked against the table.
Two kinds of school: the package's vocational lycée, and a CPGE loaded here."""

from __future__ import annotations

import pytest

from services.common.demo import DemoSchool, SchoolKind, generate_school
from services.common.formats.completeness import gaps
from tests.pull.conftest import SEED, YEAR, export_path, load_school
from tests.pull.files import FILES, FlowFile
from tests.pull.test_exports import fetch
from tests.support.pki import TestPki
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")

CPGE = "0311586F"  # shared with test_history.py, which loads the same school (loading again changes nothing)


def _variant(file: FlowFile) -> str | None:
    return "sans-adresses" if file.query.get("adresses") == "0" else None


@pytest.fixture(scope="module")
def cpge(test_pki: TestPki) -> DemoSchool:
    test_pki.issue("cpge-pronote", CPGE, "pronote")
    test_pki.issue("cpge-edt", CPGE, "edt")
    return generate_school(SchoolKind.CPGE, uai=CPGE, year=YEAR, seed=SEED)


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.name)
async def test_the_export_is_as_complete_as_a_real_file(platform: Platform, file: FlowFile) -> None:
    response = await fetch(platform, file)

    file.read(response.content)  # our reader takes it
    assert gaps(response.content, variant=_variant(file)) == []


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.name)
async def test_a_cpge_export_is_as_complete_as_a_real_file(
    platform: Platform, cpge: DemoSchool, file: FlowFile
) -> None:
    await load_school(platform, cpge)
    product = "edt" if file.flow == "emploi-du-temps" else "pronote"
    async with platform.editor(f"cpge-{product}") as editor:
        response = await editor.get(export_path(CPGE, file.flow), params=file.query)

    assert response.status_code == 200, response.text
    file.read(response.content)
    assert gaps(response.content, variant=_variant(file)) == []
