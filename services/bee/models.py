"""BEE's tables (this service's database only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel


class SchoolYear(SQLModel, table=True):
    """A school's year that BEE holds data for; exports for any other year are refused."""

    __tablename__ = "bee_school_year"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    opened_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class DocumentEntry(SQLModel, table=True):
    """One item of one section of a reference document kept whole (the nomenclatures: a MEF, a subject,
    a regime...), in file order.

    Sections are stored as JSON items rather than one table each: BEE serves them back as they came,
    and the ministry adds sections and fields from one version to the next.
    """

    __tablename__ = "bee_document_entry"
    __table_args__ = (Index("ix_bee_document_school_year", "uai", "year", "kind", "section", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    uai: str = Field(max_length=8)
    year: int
    kind: str = Field(max_length=40)
    section: str = Field(max_length=60)
    position: int
    item: Any = Field(sa_column=Column(JSON, nullable=True))


MODELS: list[type[SQLModel]] = [SchoolYear, DocumentEntry]
