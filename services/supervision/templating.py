"""Jinja2 for the console pages: French labels and dates, autoescaped, templates in ``templates/``."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from services.common.academies import academie_by_slug
from services.supervision.localtime import local_time

TEMPLATES = Path(__file__).parent / "templates"

STATE_LABELS = {
    "received": "reçue",
    "validated": "validée",
    "queued": "en file",
    "waiting": "en attente",
    "held": "retenue",
    "served": "servie",
    "applied": "appliquée",
    "partially_applied": "appliquée en partie",
    "refused": "refusée",
    "rejected": "rejetée",
    "failed": "en échec",
}
STATE_TONES = {
    "served": "ok",
    "applied": "ok",
    "partially_applied": "warn",
    "held": "warn",
    "waiting": "info",
    "queued": "info",
    "received": "info",
    "validated": "info",
    "refused": "bad",
    "rejected": "bad",
    "failed": "bad",
}
ALERT_STATUS_LABELS = {"open": "ouverte", "acknowledged": "prise en compte", "resolved": "résolue"}
DIRECTION_LABELS = {"export": "export", "import": "import", "none": "—"}


def academie_name(slug: str | None) -> str:
    academie = academie_by_slug(slug) if slug else None
    return academie.name if academie else "—"


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES)
    env = templates.env
    env.filters["local_time"] = local_time
    env.filters["state_label"] = lambda state: STATE_LABELS.get(state, state)
    env.filters["state_tone"] = lambda state: STATE_TONES.get(state, "info")
    env.filters["alert_status"] = lambda status: ALERT_STATUS_LABELS.get(status, status)
    env.filters["direction_label"] = lambda d: DIRECTION_LABELS.get(d, d)
    env.filters["academie_name"] = academie_name
    env.filters["percent"] = lambda rate: f"{rate * 100:.0f} %"
    env.globals["STATE_LABELS"] = STATE_LABELS
    return templates
