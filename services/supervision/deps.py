"""Supervision dependencies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.runtime import Runtime


async def session(request: Request) -> AsyncIterator[AsyncSession]:
    runtime: Runtime = request.app.state.runtime
    async with runtime.sessions() as db_session:
        yield db_session


SessionDep = Annotated[AsyncSession, Depends(session)]
