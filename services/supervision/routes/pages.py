"""The console's pages, rendered on the server (Jinja2); the dashboard then updates itself live.

Pages read through the same service functions as the JSON API, with the same scope: a page can never
show what the API would refuse.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.common.academies import ACADEMIES
from services.common.auth.errors import LoginRequired
from services.common.diagnosis import GroupQuestion, QualityReport
from services.common.errors import DomainError, InvalidInput
from services.common.products import DEFAULT_PRODUCT_FLOWS
from services.common.web import problem_response
from services.supervision import stats
from services.supervision.alerts import lifecycle
from services.supervision.alerts.engine import utc_now
from services.supervision.approvals import decision_for, held_view
from services.supervision.deps import SessionDep, StateDep, check_csrf, supervisor, web_auth
from services.supervision.diagnosis import Diagnosis, diagnose_group
from services.supervision.queries import PageRequest, SyncFilter, get_sync, list_syncs
from services.supervision.routes.alerts import act_on_alert
from services.supervision.routes.approvals import send_decision
from services.supervision.routes.params import RowId, SyncFilterDep
from services.supervision.schools import current_school_year, school_overview
from services.supervision.scope import Supervisor
from services.supervision.templating import build_templates

TEMPLATES = build_templates()
PAGE_SIZE = 50
KNOWN_FLOWS = sorted(
    {flow for flows in DEFAULT_PRODUCT_FLOWS.values() for flow in flows} | {"authentification"}
)

router = APIRouter(include_in_schema=False)


class LoginRedirect(Exception):
    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


async def page_supervisor(request: Request) -> Supervisor:
    """Like the API's, but a visitor who is not signed in is sent to the sign-in page, then back."""
    try:
        return await supervisor(request)
    except LoginRequired:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRedirect(target) from None


def install_page_handlers(app: FastAPI) -> None:
    """Pages answer errors in HTML (the API keeps problem+json) and send strangers to sign in."""

    async def redirect(request: Request, error: Exception) -> Response:
        assert isinstance(error, LoginRedirect)
        return RedirectResponse("/connexion?" + urlencode({"suite": error.target}), status_code=303)

    async def domain_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, DomainError)
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return problem_response(error, request)
        context = {"error": error, "who": None}
        return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=error.status)

    app.add_exception_handler(LoginRedirect, redirect)
    app.add_exception_handler(DomainError, domain_error)


PageSupervisorDep = Annotated[Supervisor, Depends(page_supervisor)]


async def render(request: Request, who: Supervisor, template: str, **context: Any) -> Response:
    visit = await web_auth(request).visit(request)
    base = {"who": who, "csrf_token": visit.csrf_token, "academies": _academies_of(who)}
    return TEMPLATES.TemplateResponse(request, template, base | context)


def _academies_of(who: Supervisor) -> list[Any]:
    return [a for a in ACADEMIES if who.national or a.slug in who.academies]


@router.get("/")
async def dashboard(
    request: Request, session: SessionDep, who: PageSupervisorDep, state: StateDep
) -> Response:
    scope, now = who.scope, utc_now()
    since = now - timedelta(hours=24)
    page = await list_syncs(session, SyncFilter(), PageRequest(limit=15), scope)
    return await render(
        request,
        who,
        "dashboard.html",
        nav="dashboard",
        recent=page.items,
        per_hour=await stats.syncs_per_hour(session, scope, now=now, hours=24),
        by_editor=await stats.error_rates(session, scope, "editor", since=since, limit=8),
        by_flow=await stats.error_rates(session, scope, "flow", since=since, limit=8),
        late=await stats.late_schools(session, scope, now=now, days=state.settings.late_after_days, limit=10),
        late_days=state.settings.late_after_days,
        expiring=await stats.expiring_certificates(
            session, scope, now=now, days=state.settings.expiring_within_days, limit=10
        ),
        expiring_days=state.settings.expiring_within_days,
        alerts=await lifecycle.list_alerts(session, scope, limit=10),
    )


@router.get("/synchronisations")
async def sync_list(
    request: Request, session: SessionDep, who: PageSupervisorDep, query: SyncFilterDep, page: int = 1
) -> Response:
    page = max(page, 1)
    result = await list_syncs(
        session, query, PageRequest(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE), who.scope
    )
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return await render(
        request,
        who,
        "syncs.html",
        nav="syncs",
        result=result,
        query=query,
        page=page,
        pages=max(1, math.ceil(result.total / PAGE_SIZE)),
        page_query=urlencode(params),
        flows=KNOWN_FLOWS,
    )


@router.get("/synchronisations/{sync_id}")
async def sync_page(
    request: Request, session: SessionDep, who: PageSupervisorDep, sync_id: str, decision: str = ""
) -> Response:
    found = await get_sync(session, sync_id, who.scope)
    return await render(
        request,
        who,
        "sync.html",
        nav="syncs",
        sync=found.record,
        events=found.events,
        report=found.report,
        held=held_view(found.record, found.events),
        decision_sent=decision,
    )


@router.get("/synchronisations/{sync_id}/ligne")
async def sync_row(request: Request, session: SessionDep, who: PageSupervisorDep, sync_id: str) -> Response:
    """One row of a sync table, rendered by the same macro as the page: the live feed inserts it as is."""
    found = await get_sync(session, sync_id, who.scope)
    return TEMPLATES.TemplateResponse(request, "sync_row.html", {"s": found.record})


@router.get("/tableau-de-bord/alertes")
async def open_alerts_fragment(request: Request, session: SessionDep, who: PageSupervisorDep) -> Response:
    """The dashboard's open alerts, rendered by the page's macro, for the live refresh."""
    alerts = await lifecycle.list_alerts(session, who.scope, limit=10)
    return TEMPLATES.TemplateResponse(request, "alerts_fragment.html", {"alerts": alerts})


DECISIONS = {"approuver": True, "rejeter": False}


@router.post("/synchronisations/{sync_id}/decision", dependencies=[Depends(check_csrf)])
async def sync_decision(
    request: Request,
    session: SessionDep,
    who: PageSupervisorDep,
    state: StateDep,
    sync_id: str,
    choix: Annotated[str, Form()],
    motif: Annotated[str, Form()] = "",
    confirme: Annotated[str, Form()] = "",
) -> Response:
    """Approve or reject a held import from its page: first a confirmation page, then the decision,
    sent exactly as ``POST /api/syncs/{id}/decision`` sends it (same scope, same checks)."""
    found = await get_sync(session, sync_id, who.scope)
    if choix not in DECISIONS:
        raise InvalidInput("Choisissez « Approuver » ou « Rejeter ».", code="decision-invalide")
    approve = DECISIONS[choix]
    decision_for(found.record, who, approve=approve, reason=motif)  # refuses a sync that is not held
    if not motif.strip():
        raise InvalidInput("Indiquez le motif de la décision.", code="motif-manquant")
    if confirme != "oui":
        held = held_view(found.record, found.events)
        return await render(
            request, who, "decision.html", nav="syncs", sync=found.record, held=held, choix=choix, motif=motif
        )
    await send_decision(state, session, who, sync_id, approve=approve, reason=motif)
    return RedirectResponse(f"/synchronisations/{quote(sync_id)}?decision={choix}", status_code=303)


@router.get("/etablissements")
async def school_jump(who: PageSupervisorDep, uai: str = "") -> Response:
    target = uai.strip().upper()
    return RedirectResponse(f"/etablissements/{quote(target)}" if target else "/", status_code=303)


@router.get("/etablissements/{uai}")
async def school_page(
    request: Request,
    session: SessionDep,
    who: PageSupervisorDep,
    state: StateDep,
    uai: str,
    groupe: str | None = None,
    enseignant: str | None = None,
    qualite: bool = False,
) -> Response:
    overview = await school_overview(session, uai, who.scope)
    year = current_school_year(date.today())
    diagnosis: Diagnosis | None = None
    if groupe:
        question = GroupQuestion(uai=overview.uai, year=year, group_code=groupe, teacher=enseignant or None)
        diagnosis = await diagnose_group(session, state.diagnosis, question)
    quality, quality_error = await _quality(state, overview.uai, year) if qualite else (None, None)
    return await render(
        request,
        who,
        "school.html",
        nav="syncs",
        school=overview,
        year=year,
        diagnosis=diagnosis,
        groupe=groupe or "",
        enseignant=enseignant or "",
        quality=quality,
        quality_error=quality_error,
    )


async def _quality(state: StateDep, uai: str, year: int) -> tuple[QualityReport | None, str | None]:
    try:
        return await state.diagnosis.quality_report(uai, year), None
    except DomainError as error:
        return None, error.title


@router.get("/alertes")
async def alerts_page(
    request: Request, session: SessionDep, who: PageSupervisorDep, toutes: bool = False
) -> Response:
    statuses = ("open", "acknowledged", "resolved") if toutes else lifecycle.ACTIVE
    found = await lifecycle.list_alerts(session, who.scope, statuses=statuses)
    return await render(request, who, "alerts.html", nav="alerts", alerts=found, show_all=toutes)


@router.post("/alertes/{alert_id}/{action}", dependencies=[Depends(check_csrf)])
async def alert_action(alert_id: RowId, action: str, who: PageSupervisorDep, state: StateDep) -> Response:
    act = {"prendre-en-compte": lifecycle.acknowledge, "resoudre": lifecycle.resolve}.get(action)
    if act is not None:
        await act_on_alert(state, act, alert_id, who)
    return RedirectResponse("/alertes", status_code=303)
