"""The HTTP layer of supervision: JSON API, live feed, sign-in and console pages."""

from __future__ import annotations

from fastapi import APIRouter

from services.supervision.routes import alerts, approvals, live, login, pages, schools, syncs

ROUTERS: tuple[APIRouter, ...] = (
    syncs.router,
    approvals.router,
    alerts.router,
    schools.router,
    live.router,
    login.router,
    pages.router,
)
