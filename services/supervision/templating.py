"""Jinja2 for the console pages: French labels and dates, autoescaped, templates in ``templates/``."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from services.common.academies import academie_by_slug
from services.supervision import labels
from services.supervision.localtime import local_time

TEMPLATES = Path(__file__).parent / "templates"


def academie_name(slug: str | None) -> str:
    academie = academie_by_slug(slug) if slug else None
    return academie.name if academie else "—"


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES)
    env = templates.env
    env.filters["local_time"] = local_time
    env.filters["state_label"] = labels.state_label
    env.filters["state_tone"] = labels.state_tone
    env.filters["is_final"] = labels.is_final
    env.filters["alert_status"] = labels.alert_status_label
    env.filters["direction_label"] = labels.direction_label
    env.filters["count_label"] = labels.count_label
    env.filters["change_label"] = labels.change_label
    env.filters["entity_label"] = labels.entity_label
    env.filters["change_key"] = labels.change_key
    env.filters["report_level"] = labels.report_level_label
    env.filters["academie_name"] = academie_name
    env.filters["percent"] = lambda rate: f"{rate * 100:.0f} %"
    env.globals["STATE_LABELS"] = labels.STATE_LABELS
    return templates
