"""The BEE formats by root element: which model, reader, writer and XSD go with each.

``read_any`` serves uploads whose kind is only known once opened (a school drops "a SIECLE file").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.common.formats import errors as codes
from services.common.formats.bee_commun import BeeCommun, write_bee_commun
from services.common.formats.bee_eleves import BeeEleves, write_bee_eleves
from services.common.formats.bee_nomenclatures import BeeNomenclatures, write_bee_nomenclatures
from services.common.formats.bee_responsables import BeeResponsables, write_bee_responsables
from services.common.formats.bee_structures import BeeStructures, write_bee_structures
from services.common.formats.errors import FormatError
from services.common.formats.reading import read_tree
from services.common.formats.xmlsafe import parse_xml


@dataclass(frozen=True, slots=True)
class Codec:
    """One format: its root element, model class, writer and XSD name (see :mod:`.schemas`)."""

    root: str
    model: type[Any]
    write: Callable[..., bytes]
    schema: str


CODECS: dict[str, Codec] = {
    codec.root: codec
    for codec in (
        Codec("BEE_ELEVES", BeeEleves, write_bee_eleves, "bee_eleves"),
        Codec("BEE_RESPONSABLES", BeeResponsables, write_bee_responsables, "bee_responsables"),
        Codec("BEE_NOMENCLATURES", BeeNomenclatures, write_bee_nomenclatures, "bee_nomenclatures"),
        Codec("BEE_STRUCTURES", BeeStructures, write_bee_structures, "bee_structures"),
        Codec("BEE_COMMUN", BeeCommun, write_bee_commun, "bee_commun"),
    )
}


def read_any(data: bytes, *, filename: str) -> object:
    """Parse once and read with the codec of the root element; an unknown root is ``racine-inattendue``."""
    tree = parse_xml(data, filename=filename)
    codec = CODECS.get(str(tree.tag))
    if codec is None:
        detail = f"élément racine « {tree.tag} » : aucun format connu."
        raise FormatError(code=codes.RACINE_INATTENDUE, detail=detail, file=filename, path=f"/{tree.tag}")
    model: object = read_tree(codec.model, tree, root=codec.root)
    return model
