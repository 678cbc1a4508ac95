"""BEE_STRUCTURES (``Structures.xml``): the divisions and groups of a school, with their MEFs.

Reference: FORMATS.md §1.6 and the real sample ``Progress/Structures.xml`` (version 2.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from services.common.formats.binding import attribute, record, records, text
from services.common.formats.common import Parametres
from services.common.formats.identifiers import (
    check_code_structure,
    check_mef,
    check_uai,
    read_code_structure,
)
from services.common.formats.reading import read_document
from services.common.formats.writing import write_document

ROOT = "BEE_STRUCTURES"


@dataclass(slots=True, kw_only=True)
class MefAppartenance:
    code_mef: Annotated[str, text("CODE_MEF", check=check_mef)]


@dataclass(slots=True, kw_only=True)
class DivisionAppartenance:
    code_structure: Annotated[
        str, text("CODE_STRUCTURE", check=check_code_structure, lenient=read_code_structure)
    ]


@dataclass(slots=True, kw_only=True)
class Division:
    code_structure: Annotated[str, attribute("CODE_STRUCTURE", check=check_code_structure)]
    libelle_long: Annotated[str | None, text("LIBELLE_LONG")] = None
    code_rne: Annotated[str | None, text("CODE_RNE", check=check_uai)] = None
    mefs_appartenance: Annotated[
        list[MefAppartenance] | None,
        records("MEF_APPARTENANCE", MefAppartenance, wrapper="MEFS_APPARTENANCE"),
    ] = None


@dataclass(slots=True, kw_only=True)
class Groupe:
    code_structure: Annotated[str, attribute("CODE_STRUCTURE", check=check_code_structure)]
    libelle_long: Annotated[str | None, text("LIBELLE_LONG")] = None
    code_rne: Annotated[str | None, text("CODE_RNE", check=check_uai)] = None
    mefs_appartenance: Annotated[
        list[MefAppartenance] | None,
        records("MEF_APPARTENANCE", MefAppartenance, wrapper="MEFS_APPARTENANCE"),
    ] = None
    divisions_appartenance: Annotated[
        list[DivisionAppartenance] | None,
        records("DIVISION_APPARTENANCE", DivisionAppartenance, wrapper="DIVISIONS_APPARTENANCE"),
    ] = None


@dataclass(slots=True, kw_only=True)
class DonneesStructures:
    divisions: Annotated[list[Division] | None, records("DIVISION", Division, wrapper="DIVISIONS")] = None
    groupes: Annotated[list[Groupe] | None, records("GROUPE", Groupe, wrapper="GROUPES")] = None


@dataclass(slots=True, kw_only=True)
class BeeStructures:
    """A whole ``Structures.xml``."""

    version: Annotated[str | None, attribute("VERSION")] = None
    parametres: Annotated[Parametres, record("PARAMETRES", Parametres)]
    donnees: Annotated[DonneesStructures, record("DONNEES", DonneesStructures)]


def read_bee_structures(data: bytes, *, filename: str = "Structures.xml") -> BeeStructures:
    """Read a BEE_STRUCTURES file (any VERSION), leniently; see :func:`.reading.read_document`."""
    return read_document(BeeStructures, data, filename=filename, root=ROOT)


def write_bee_structures(model: BeeStructures, *, strict: bool = True) -> bytes:
    """Write a BEE_STRUCTURES file; see :func:`.writing.write_document` for ``strict``."""
    return write_document(ROOT, model, strict=strict)
