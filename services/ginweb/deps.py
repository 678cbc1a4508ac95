"""GIN-WEB's dependencies: the state, the signed-in head and their school (checked once, here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.db import transaction
from services.ginweb.certificates import Head
from services.ginweb.errors import NotAHead
from services.ginweb.outbox import flush
from services.ginweb.state import GinwebState

HEAD_ROLE = "chef-etablissement"


def ginweb_state(request: Request) -> GinwebState:
    state: GinwebState = request.app.state.ginweb
    return state


StateDep = Annotated[GinwebState, Depends(ginweb_state)]


async def current_head(request: Request, state: StateDep) -> Head:
    """The signed-in head and the one school their account is bound to; every portal query filters by
    this UAI, so no route can show or change another school's certificates."""
    account = await state.auth.require_account(request)
    if account.role != HEAD_ROLE or len(account.scopes) != 1:
        raise NotAHead()
    return Head(username=account.username, uai=account.scopes[0])


HeadDep = Annotated[Head, Depends(current_head)]


async def check_csrf(request: Request, state: StateDep) -> None:
    await state.auth.check_csrf(request)


@asynccontextmanager
async def unit_of_work(state: GinwebState) -> AsyncIterator[AsyncSession]:
    """One transaction; once committed, its outbox messages (revocations, audit events) are published
    at once, so gateways hear of a revocation within milliseconds, not at the next maintenance run."""
    async with transaction(state.runtime.sessions) as db:
        yield db
    await flush(state.runtime.sessions, state.runtime.bus)
