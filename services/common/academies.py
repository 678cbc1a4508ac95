"""Académies and the départements they cover, and the académie of a school from its UAI.

A UAI starts with three digits that number its département the ministry's way: ``001``-``095`` for
metropolitan départements (``031`` is Haute-Garonne), ``620`` and ``720`` for Corse-du-Sud (2A) and
Haute-Corse (2B), ``971``-``978`` for overseas départements and collectivities, ``986``-``988`` for the
Pacific territories served by a vice-rectorat.

Académies are named by a stable slug (``toulouse``, ``normandie``) used in URLs, settings and supervisor
scopes, and carry the ministry's number. Since 1 January 2020, Caen and Rouen form the académie de
Normandie; their former slugs still resolve (:func:`resolve_academie`), so a supervisor configured before
the merger keeps seeing the same schools.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.formats.identifiers import departement_of_uai, is_valid_uai


@dataclass(frozen=True)
class Academie:
    slug: str
    number: str
    name: str
    departements: tuple[str, ...]


ACADEMIES: tuple[Academie, ...] = (
    Academie("aix-marseille", "02", "Aix-Marseille", ("04", "05", "13", "84")),
    Academie("amiens", "20", "Amiens", ("02", "60", "80")),
    Academie("besancon", "03", "Besançon", ("25", "39", "70", "90")),
    Academie("bordeaux", "04", "Bordeaux", ("24", "33", "40", "47", "64")),
    Academie("clermont-ferrand", "06", "Clermont-Ferrand", ("03", "15", "43", "63")),
    Academie("corse", "27", "Corse", ("2A", "2B")),
    Academie("creteil", "24", "Créteil", ("77", "93", "94")),
    Academie("dijon", "07", "Dijon", ("21", "58", "71", "89")),
    Academie("grenoble", "08", "Grenoble", ("07", "26", "38", "73", "74")),
    Academie("lille", "09", "Lille", ("59", "62")),
    Academie("limoges", "22", "Limoges", ("19", "23", "87")),
    Academie("lyon", "10", "Lyon", ("01", "42", "69")),
    Academie("montpellier", "11", "Montpellier", ("11", "30", "34", "48", "66")),
    Academie("nancy-metz", "12", "Nancy-Metz", ("54", "55", "57", "88")),
    Academie("nantes", "17", "Nantes", ("44", "49", "53", "72", "85")),
    Academie("nice", "23", "Nice", ("06", "83")),
    Academie("normandie", "70", "Normandie", ("14", "27", "50", "61", "76")),
    Academie("orleans-tours", "18", "Orléans-Tours", ("18", "28", "36", "37", "41", "45")),
    Academie("paris", "01", "Paris", ("75",)),
    Academie("poitiers", "13", "Poitiers", ("16", "17", "79", "86")),
    Academie("reims", "19", "Reims", ("08", "10", "51", "52")),
    Academie("rennes", "14", "Rennes", ("22", "29", "35", "56")),
    Academie("strasbourg", "15", "Strasbourg", ("67", "68")),
    Academie("toulouse", "16", "Toulouse", ("09", "12", "31", "32", "46", "65", "81", "82")),
    Academie("versailles", "25", "Versailles", ("78", "91", "92", "95")),
    # Saint-Barthélemy (977) and Saint-Martin (978) are schooled by the académie de Guadeloupe.
    Academie("guadeloupe", "32", "Guadeloupe", ("971", "977", "978")),
    Academie("martinique", "31", "Martinique", ("972",)),
    Academie("guyane", "33", "Guyane", ("973",)),
    Academie("la-reunion", "28", "La Réunion", ("974",)),
    Academie("mayotte", "43", "Mayotte", ("976",)),
    Academie("saint-pierre-et-miquelon", "44", "Saint-Pierre-et-Miquelon", ("975",)),
    Academie("wallis-et-futuna", "42", "Wallis-et-Futuna", ("986",)),
    Academie("polynesie-francaise", "41", "Polynésie française", ("987",)),
    Academie("nouvelle-caledonie", "40", "Nouvelle-Calédonie", ("988",)),
)

FORMER_ACADEMIES: dict[str, str] = {"caen": "normandie", "rouen": "normandie"}
"""Slugs of académies merged away, and the académie that took their schools (Normandie, 2020)."""

_BY_SLUG = {academie.slug: academie for academie in ACADEMIES}
_BY_DEPARTEMENT = {dep: academie for academie in ACADEMIES for dep in academie.departements}
_CORSICA_PREFIXES = {"620": "2A", "720": "2B"}


def departement_code(uai_prefix: str) -> str:
    """The usual département code for a UAI prefix: ``031`` → ``31``, ``620`` → ``2A``, ``974`` → ``974``."""
    if uai_prefix in _CORSICA_PREFIXES:
        return _CORSICA_PREFIXES[uai_prefix]
    if uai_prefix.startswith("0"):
        return uai_prefix[1:]
    return uai_prefix


def academie_of_uai(uai: str) -> Academie | None:
    """The académie of a school, or None for a UAI that is invalid or numbers no known département."""
    if not is_valid_uai(uai):
        return None
    return _BY_DEPARTEMENT.get(departement_code(departement_of_uai(uai)))


def academie_slug_of_uai(uai: str | None) -> str | None:
    """The académie's slug for a UAI that may be missing (an exchange refused before it named a school)."""
    academie = academie_of_uai(uai) if uai else None
    return academie.slug if academie else None


def resolve_academie(slug: str) -> Academie | None:
    """An académie by its slug, current or former (``caen`` → Normandie)."""
    key = slug.strip().lower()
    return _BY_SLUG.get(FORMER_ACADEMIES.get(key, key))


def academie_by_slug(slug: str) -> Academie | None:
    return _BY_SLUG.get(slug)
