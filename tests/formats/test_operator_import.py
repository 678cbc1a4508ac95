"""The operator import of the real samples (``python -m services.bee.load``) keeps every field they carry:
exporting the school again gives the same elements, attributes and values (export timestamps aside)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from services.bee import load
from services.bee.exports import bee_exporter
from services.bee.settings import BeeSettings
from services.common.db import create_engine, session_factory
from services.common.exports import ExportRequest
from services.common.settings import DatabaseSettings
from tests.formats.samples import SAMPLES

# real sample -> the flow that exports it again
REAL = {
    "Progress/Structures.xml": "structures",
    "Progress/Nomenclature.xml": "nomenclatures",
    "Progress/Communs.xml": "etablissement",
}
STAMPS = {"DATE_EXPORT", "HORODATAGE"}


def facts(data: bytes) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
    """Every element as (path, attributes, text), sorted: what the file says, whatever the order."""
    root = etree.fromstring(data)
    result = []
    for elem in root.iter():
        if not isinstance(elem.tag, str) or elem.tag in STAMPS:
            continue
        path = "/".join(str(e.tag) for e in (*reversed(list(elem.iterancestors())), elem))
        attributes = tuple(sorted((str(k), str(v)) for k, v in elem.attrib.items()))
        result.append((path, attributes, (elem.text or "").strip()))
    return sorted(result)


async def export(url: str, uai: str, year: int, flow: str) -> bytes:
    settings = BeeSettings(database=DatabaseSettings(url=url))
    exporter = bee_exporter(settings.cursor_secret, settings.journal_retention)
    engine = create_engine(settings.database)
    try:
        async with session_factory(engine)() as session:
            request = ExportRequest(sync_id="test", uai=uai, year=year, flow=flow)
            answer = await exporter.export(session, request, datetime.now(UTC))
            assert answer.body is not None
            return b"".join([chunk async for chunk in answer.body])
    finally:
        await engine.dispose()


def test_the_real_samples_are_served_back_as_they_came(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bee.db'}"
    monkeypatch.setenv("BEE_DATABASE__URL", url)

    assert load.main([str(SAMPLES / name) for name in REAL]) == 0

    for name, flow in REAL.items():
        original = (SAMPLES / name).read_bytes()
        served = asyncio.run(export(url, "0310053P", 2016, flow))
        assert facts(served) == facts(original), name


@pytest.mark.parametrize(
    "name",
    ["pix/siecle-with-two-valid-students.xml", "pix/siecle-with-registrations-no-longer-in-school.xml"],
)
def test_a_pupils_file_is_served_back_as_it_came(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pix's anonymised fixtures (the real pupils' files are not redistributable): school 123ABC, no year.
    url = f"sqlite+aiosqlite:///{tmp_path / 'bee.db'}"
    monkeypatch.setenv("BEE_DATABASE__URL", url)

    assert load.main(["--year", "2016", str(SAMPLES / name)]) == 0

    served = Counter(facts(asyncio.run(export(url, "123ABC", 2016, "eleves"))))
    original = Counter(facts((SAMPLES / name).read_bytes()))
    assert original - served == Counter()  # nothing lost...
    # ...and nothing added but the year given on the command line and the file's empty sections,
    # which a SIECLE export always has.
    assert set(served - original) <= {
        ("BEE_ELEVES/PARAMETRES/ANNEE_SCOLAIRE", (), "2016"),
        *((f"BEE_ELEVES/DONNEES/{section}", (), "") for section in ("OPTIONS", "BOURSES", "ADRESSES")),
    }
