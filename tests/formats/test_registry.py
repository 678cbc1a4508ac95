"""Reading a BEE file whose kind is known only once opened."""

from __future__ import annotations

import pytest

from services.common.formats import errors as codes
from services.common.formats.bee_commun import BeeCommun
from services.common.formats.bee_nomenclatures import BeeNomenclatures
from services.common.formats.bee_structures import BeeStructures
from services.common.formats.errors import FormatError
from services.common.formats.registry import CODECS, read_any
from tests.formats.samples import sample


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("Progress/Structures.xml", BeeStructures),
        ("Progress/Nomenclature.xml", BeeNomenclatures),
        ("Progress/Communs.xml", BeeCommun),
    ],
)
def test_reads_each_real_file_with_the_codec_of_its_root(name: str, model: type) -> None:
    assert isinstance(read_any(sample(name), filename=name), model)


def test_every_codec_names_an_existing_schema_and_its_own_root() -> None:
    for root, codec in CODECS.items():
        assert codec.root == root
        assert codec.schema == root.lower()


def test_an_unknown_root_is_refused() -> None:
    with pytest.raises(FormatError) as caught:
        read_any(b"<EXPORT_INDEX_EDUCATION/>", filename="edt.xml")
    assert (caught.value.code, caught.value.path) == (codes.RACINE_INATTENDUE, "/EXPORT_INDEX_EDUCATION")
