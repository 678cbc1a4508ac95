"""Identifiers, dates and times of the SIECLE and STS-WEB formats: checks, parsing and formatting.

``check_*`` functions return the value unchanged or raise :class:`FormatError` with the matching code;
``is_valid_*`` are their predicate forms. Identifiers stay strings: leading zeros and inner spaces
(``"1 BTMS"``) are significant.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Literal

from services.common.formats import errors as codes
from services.common.formats.errors import FormatError

CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: no I, O nor Q

_UAI = re.compile(r"[0-9]{7}[A-Z]")
_INE_BEA = re.compile(r"[0-9]{10}[A-Z]")
_INE_RNIE = re.compile(r"[0-9]{9}[A-Z]{2}")
_INE_APPRENTISSAGE = re.compile(r"[0-9]{4}A[0-9]{5}[A-Z]")
_MEF = re.compile(r"[0-9A-Z]{11}")
_CODE_MATIERE = re.compile(r"[0-9]{3}[0-9A-Z][0-9]{2}")
_CODE_STRUCTURE = re.compile(r"[A-Z0-9_-](?:[A-Z0-9 _-]{0,6}[A-Z0-9_-])?")
_DATE_FR = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_DATETIME_FR = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_DATE_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_HHMM = re.compile(r"([0-9]{2})([0-9]{2})")

CODE_STRUCTURE_READ_LIMIT = 64
"""Longest division or group code accepted on read (8 is the longest seen; more is kept, not refused)."""

IneKind = Literal["bea", "rnie", "apprentissage"]


def check_letter(digits: str) -> str:
    """The mod-23 check letter shared by the UAI (7 digits) and the INE-BEA (10 digits)."""
    return CHECK_LETTERS[int(digits) % 23]


def is_valid_uai(value: str) -> bool:
    """Whether ``value`` is 7 digits and their check letter (upper case), e.g. ``0310053P``."""
    return _UAI.fullmatch(value) is not None and check_letter(value[:7]) == value[7]


def check_uai(value: str) -> str:
    """Return ``value`` if it is a valid UAI, else raise ``uai-invalide``."""
    if not is_valid_uai(value):
        raise FormatError(code=codes.UAI_INVALIDE, detail=_not_valid(value, "UAI"))
    return value


def departement_of_uai(uai: str) -> str:
    """The UAI's department prefix, its first 3 digits as the ministry numbers them.

    Metropolitan departments are ``001``-``095``; Corsica is ``620`` (Corse-du-Sud) and ``720``
    (Haute-Corse) rather than 2A/2B; overseas departments are ``971``-``976``.
    """
    check_uai(uai)
    return uai[:3]


def ine_kind(value: str) -> IneKind | None:
    """Which INE form ``value`` has, or None if it is none of them (or a BEA INE with a wrong letter).

    Only the 10-digit INE-BEA has a known check letter (same mod-23 rule as the UAI; it matched every
    real INE we could check). The RNIE and apprenticeship forms are checked for shape only.
    """
    if _INE_BEA.fullmatch(value):
        return "bea" if check_letter(value[:10]) == value[10] else None
    if _INE_APPRENTISSAGE.fullmatch(value):
        return "apprentissage"
    if _INE_RNIE.fullmatch(value):
        return "rnie"
    return None


def is_valid_ine(value: str) -> bool:
    """Whether ``value`` is an INE of a known form (with a right check letter for the BEA form)."""
    return ine_kind(value) is not None


def check_ine(value: str) -> str:
    """Return ``value`` if it is a valid INE, else raise ``ine-invalide``."""
    if not is_valid_ine(value):
        raise FormatError(code=codes.INE_INVALIDE, detail=_not_valid(value, "INE"))
    return value


def is_valid_mef(value: str) -> bool:
    """Whether ``value`` is a MEF code: 11 digits or upper-case letters (``1001000B11A``)."""
    return _MEF.fullmatch(value) is not None


def check_mef(value: str) -> str:
    """Return ``value`` if it is a MEF code, else raise ``mef-invalide``."""
    if not is_valid_mef(value):
        raise FormatError(code=codes.MEF_INVALIDE, detail=_not_valid(value, "code MEF"))
    return value


def is_valid_code_matiere(value: str) -> bool:
    """Whether ``value`` is a subject code: ``999999``, or ``999A99`` for academic and local subjects."""
    return _CODE_MATIERE.fullmatch(value) is not None


def check_code_matiere(value: str) -> str:
    """Return ``value`` if it is a subject code, else raise ``code-matiere-invalide``."""
    if not is_valid_code_matiere(value):
        raise FormatError(code=codes.CODE_MATIERE_INVALIDE, detail=_not_valid(value, "code matière"))
    return value


def is_valid_code_structure(value: str) -> bool:
    """Whether we may *write* ``value`` as a division or group code.

    1 to 8 characters of ``A-Z 0-9 space _ -``, with no space at either end (readers strip text).
    """
    return _CODE_STRUCTURE.fullmatch(value) is not None


def check_code_structure(value: str) -> str:
    """Return ``value`` if we may write it as a division or group code, else ``code-structure-invalide``."""
    if not is_valid_code_structure(value):
        raise FormatError(code=codes.CODE_STRUCTURE_INVALIDE, detail=_not_valid(value, "code de structure"))
    return value


def read_code_structure(value: str) -> str:
    """A division or group code as read: kept as is (``4e 1``, ``Inactifs``), only emptiness and
    absurd length (over :data:`CODE_STRUCTURE_READ_LIMIT`) are refused."""
    if not value.strip() or len(value) > CODE_STRUCTURE_READ_LIMIT:
        raise FormatError(code=codes.CODE_STRUCTURE_INVALIDE, detail=_not_valid(value, "code de structure"))
    return value


def parse_date_fr(value: str) -> date:
    """Parse ``dd/mm/yyyy`` (BEE files); anything else, or a day that does not exist, is ``date-invalide``."""
    match = _DATE_FR.fullmatch(value)
    if match is None:
        raise _bad_date(value, "jj/mm/aaaa")
    day, month, year = (int(part) for part in match.groups())
    return _date(year, month, day, value)


def format_date_fr(value: date) -> str:
    """``dd/mm/yyyy``."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def parse_date_iso(value: str) -> date:
    """Parse ``yyyy-mm-dd`` (STS_EDT, EDT_STS, IMPORT_ELEVES); else ``date-invalide``."""
    match = _DATE_ISO.fullmatch(value)
    if match is None:
        raise _bad_date(value, "aaaa-mm-jj")
    year, month, day = (int(part) for part in match.groups())
    return _date(year, month, day, value)


def format_date_iso(value: date) -> str:
    """``yyyy-mm-dd``."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def parse_datetime_fr(value: str) -> datetime:
    """Parse ``dd/mm/yyyy hh:mm:ss`` (BEE ``HORODATAGE``); else ``date-invalide``."""
    match = _DATETIME_FR.fullmatch(value)
    if match is None:
        raise _bad_date(value, "jj/mm/aaaa hh:mm:ss")
    day, month, year, hour, minute, second = (int(part) for part in match.groups())
    try:
        # Naive on purpose: the files carry the local time of the school, with no zone.
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise _bad_date(value, "jj/mm/aaaa hh:mm:ss") from None


def format_datetime_fr(value: datetime) -> str:
    """``dd/mm/yyyy hh:mm:ss``."""
    return f"{format_date_fr(value.date())} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def parse_hhmm(value: str) -> time:
    """Parse a time of day written ``hhmm`` (``HEURE_DEBUT``); else ``valeur-invalide``."""
    hours, minutes = _hhmm(value)
    if hours > 23:
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"heure « {value} » invalide (hhmm).")
    return time(hours, minutes)


def format_hhmm(value: time) -> str:
    """``hhmm``."""
    return f"{value.hour:02d}{value.minute:02d}"


def parse_hhmm_duration(value: str) -> timedelta:
    """Parse a duration written ``hhmm`` (``DUREE``: ``0100`` is one hour)."""
    hours, minutes = _hhmm(value)
    return timedelta(hours=hours, minutes=minutes)


def format_hhmm_duration(value: timedelta) -> str:
    """``hhmm``; whole minutes under 100 hours only."""
    minutes, rest = divmod(int(value.total_seconds()), 60)
    if rest or not 0 <= minutes < 100 * 60:
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"durée {value} non représentable en hhmm.")
    return f"{minutes // 60:02d}{minutes % 60:02d}"


def _hhmm(value: str) -> tuple[int, int]:
    match = _HHMM.fullmatch(value)
    if match is None or int(match.group(2)) > 59:
        raise FormatError(code=codes.VALEUR_INVALIDE, detail=f"valeur « {value} » invalide (hhmm).")
    return int(match.group(1)), int(match.group(2))


def _date(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise FormatError(code=codes.DATE_INVALIDE, detail=f"la date « {raw} » n'existe pas.") from None


def _bad_date(value: str, shape: str) -> FormatError:
    return FormatError(code=codes.DATE_INVALIDE, detail=f"date « {value} » au lieu de {shape}.")


def _not_valid(value: str, what: str) -> str:
    return f"« {value} » n'est pas un {what} valide."
