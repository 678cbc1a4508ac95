"""One bridge for SQLAlchemy Core selects of several columns (aggregates), which SQLModel's typed
``select`` overloads do not cover beyond four columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select
from sqlmodel.ext.asyncio.session import AsyncSession


async def fetch_rows(session: AsyncSession, statement: Select[Any]) -> Sequence[Row[Any]]:
    result = await session.exec(statement)  # type: ignore[call-overload]
    rows: Sequence[Row[Any]] = result.all()
    return rows
