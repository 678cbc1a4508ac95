"""Every word the console shows for a code: sync states, counters, kinds of change, alert statuses.

One mapping, used by the templates (as Jinja filters), by the diagnosis texts and by the live feed (whose
rows are rendered by the same macros on the server), so no English slug or raw state reaches a page. An
unknown code is still shown in French terms around it rather than raw: ``count_label`` spells
``ENTITE.kind`` as "entité : kind-in-French".
"""

from __future__ import annotations

from services.common.events import SyncState

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

# Kinds of change an import counts and lists (``added`` alone is the total over every entity).
CHANGE_LABELS = {
    "added": "ajouts",
    "changed": "modifications",
    "removed": "suppressions",
    "rejected": "enregistrements rejetés",
}
# Entities of the import counters (``SERVICE.removed``...) and of the lists of changes.
ENTITY_LABELS = {
    "SERVICE": "services",
    "GROUPE": "groupes",
    "ALTERNANCE": "alternances",
    "LIEN": "liens élèves-groupes",
    "ELEVE": "élèves",
    "COURS": "cours",
    "DIVISION": "divisions",
}
REPORT_LEVEL_LABELS = {
    "erreur": "erreur",
    "error": "erreur",
    "avertissement": "avertissement",
    "warning": "avertissement",
}


def state_label(state: str | None) -> str:
    if not state:
        return "—"
    return STATE_LABELS.get(state, "état inconnu")


def is_final(state: str | None) -> bool:
    try:
        return SyncState(state or "").is_final
    except ValueError:
        return False


def state_tone(state: str | None) -> str:
    return STATE_TONES.get(state or "", "info")


def change_label(kind: str) -> str:
    return CHANGE_LABELS.get(kind, kind.replace("_", " "))


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.lower())


def count_label(key: str) -> str:
    """``added`` → "ajouts", ``SERVICE.removed`` → "services : suppressions", ``COURS`` → "cours"."""
    entity, _, kind = key.partition(".")
    if not kind:
        return CHANGE_LABELS.get(key) or entity_label(key)
    return f"{entity_label(entity)} : {change_label(kind)}"


def change_key(key: str, entity: str) -> str:
    """A listed change as a supervisor reads it. The services list ``D|G <structure> <matière> <mode>``
    (STS's key of a service), the links ``<élève> <groupe>``."""
    parts = key.split(" ")
    if entity == "SERVICE" and len(parts) >= 4 and parts[0] in ("D", "G"):
        kind = "division" if parts[0] == "D" else "groupe"
        return f"{kind} {' '.join(parts[1:-2])} — matière {parts[-2]}, modalité {parts[-1]}"
    if entity == "LIEN" and len(parts) >= 2:
        return f"élève {parts[0]} — groupe {' '.join(parts[1:])}"
    return key


def alert_status_label(status: str) -> str:
    return ALERT_STATUS_LABELS.get(status, status)


def direction_label(direction: str | None) -> str:
    return DIRECTION_LABELS.get(direction or "none", "—")


def report_level_label(level: str | None) -> str:
    return REPORT_LEVEL_LABELS.get(level or "erreur", "erreur")
