"""STS's tables (this service's database only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


class StsSchoolYear(SQLModel, table=True):
    """A school's year that STS holds structures for."""

    __tablename__ = "sts_school_year"

    uai: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    opened_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


MODELS: list[type[SQLModel]] = [StsSchoolYear]
