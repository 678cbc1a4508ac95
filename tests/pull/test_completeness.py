"""Every export flow through the real gateway carries, record for record, what a real SIECLE or STS file
carries (services/common/formats/completeness.py): read by our reader, then checked against the table."""

from __future__ import annotations

import pytest

from services.common.formats.completeness import gaps
from tests.pull.files import FILES, FlowFile
from tests.pull.test_exports import fetch
from tests.support.platform import Platform

pytestmark = pytest.mark.asyncio(loop_scope="package")


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.name)
async def test_the_export_is_as_complete_as_a_real_file(platform: Platform, file: FlowFile) -> None:
    response = await fetch(platform, file)

    file.read(response.content)  # our reader takes it
    variant = "sans-adresses" if file.query.get("adresses") == "0" else None
    assert gaps(response.content, variant=variant) == []
