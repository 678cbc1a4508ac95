"""JSON API: open alerts, and a supervisor acknowledging or resolving one."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from services.common.db import transaction
from services.common.openapi import problem_responses
from services.supervision.alerts import lifecycle
from services.supervision.alerts.engine import utc_now
from services.supervision.deps import ScopeDep, SessionDep, StateDep, SupervisorDep, check_csrf
from services.supervision.models import AlertRecord
from services.supervision.routes.params import RowId
from services.supervision.schemas import AlertRead
from services.supervision.scope import Supervisor
from services.supervision.state import SupervisionState

router = APIRouter(prefix="/api/alerts")
Status = Literal["open", "acknowledged", "resolved"]


@router.get("")
async def alerts(
    session: SessionDep,
    scope: ScopeDep,
    status: Annotated[list[Status] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AlertRead]:
    found = await lifecycle.list_alerts(session, scope, statuses=status or lifecycle.ACTIVE, limit=limit)
    return [AlertRead.model_validate(alert) for alert in found]


@router.post(
    "/{alert_id}/acknowledge", dependencies=[Depends(check_csrf)], responses=problem_responses(403, 404, 409)
)
async def acknowledge(alert_id: RowId, who: SupervisorDep, state: StateDep) -> AlertRead:
    return AlertRead.model_validate(await act_on_alert(state, lifecycle.acknowledge, alert_id, who))


@router.post(
    "/{alert_id}/resolve", dependencies=[Depends(check_csrf)], responses=problem_responses(403, 404, 409)
)
async def resolve(alert_id: RowId, who: SupervisorDep, state: StateDep) -> AlertRead:
    return AlertRead.model_validate(await act_on_alert(state, lifecycle.resolve, alert_id, who))


async def act_on_alert(
    state: SupervisionState, action: lifecycle.AlertAction, alert_id: int, who: Supervisor
) -> AlertRecord:
    """Change the alert, then (committed) tell the live feed and wake the webhook delivery."""
    async with transaction(state.runtime.sessions) as session:
        alert = await action(
            session,
            alert_id,
            who.scope,
            by=who.username,
            now=utc_now(),
            webhooks=state.settings.alerts.webhooks,
        )
    await state.relay.publish_alerts([alert])
    state.engine.outbox_changed()
    return alert
