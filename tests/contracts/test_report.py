"""The per-record report has one model: the SDK's dataclass mirrors it field for field."""

from __future__ import annotations

import dataclasses

from netsynchro.models import ReportEntry as SdkReportEntry

from services.common.contracts import ReportEntry


def test_the_sdk_reads_every_field_of_the_platforms_report_entry() -> None:
    entry = ReportEntry(
        code="division-inconnue",
        title="Division inconnue de STS.",
        detail="La division 3Z n'existe pas.",
        path="/STS_EDT/DONNEES/DIVISIONS/DIVISION[3]",
        line=12,
        record="DIVISION 3Z",
    )
    read = SdkReportEntry.from_json(entry.model_dump(mode="json"))

    assert [f.name for f in dataclasses.fields(SdkReportEntry)] == list(ReportEntry.model_fields)
    assert dataclasses.asdict(read) == entry.model_dump()
    assert read.where == entry.where == "ligne 12, /STS_EDT/DONNEES/DIVISIONS/DIVISION[3]"
