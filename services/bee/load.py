"""Operator import of a real school's SIECLE files into BEE, through the journaled write path.

    python -m services.bee.load [--uai 0310053P] [--year 2026] ExportXML_ElevesAvecAdresses.zip \\
        ExportXML_ResponsablesAvecAdresses.zip Structures.xml Nomenclature.xml Communs.xml

Each file may be the ``ExportXML_<Name>.zip`` SIECLE hands out or its XML; its kind is read from its root
element. The school and year come from the files' ``PARAMETRES`` (``--uai``/``--year`` must agree when
given). All files load in one transaction: a bad file loads nothing. Settings come from the environment
(``BEE_DATABASE__URL``...), as for the service.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from services.bee.models import MODELS
from services.bee.service import bee_journal, load_files
from services.bee.settings import BeeSettings
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.errors import DomainError, InvalidInput
from services.common.formats.registry import read_any
from services.common.formats.zipsafe import looks_like_zip, read_zip_member
from services.common.pull.journal import Scope
from services.common.pull.store import Tally


def read_file(path: Path) -> object:
    """The codec model of a SIECLE file, zipped or not."""
    data = path.read_bytes()
    name = path.name
    if looks_like_zip(data):
        name, data = read_zip_member(data, filename=path.name)
    return read_any(data, filename=name)


def scope_of(documents: Sequence[object], uai: str | None, year: int | None) -> Scope:
    """The one school and year the files are about (``--uai``/``--year`` first, else their headers)."""
    for document in documents:
        parametres = getattr(document, "parametres", None)
        uai = uai or getattr(parametres, "uaj", None)
        year = year or getattr(parametres, "annee_scolaire", None)
    if not uai or not year:
        raise InvalidInput(
            "Précisez --uai et --year : les fichiers ne les donnent pas.", code="portee-inconnue"
        )
    for document in documents:
        other = getattr(getattr(document, "parametres", None), "uaj", uai)
        if other != uai:
            raise InvalidInput(f"Un fichier est celui de {other}, pas de {uai}.", code="uai-incoherent")
    return Scope(uai.upper(), year)


async def load(
    settings: BeeSettings, paths: Sequence[Path], uai: str | None, year: int | None
) -> tuple[Scope, Tally]:
    documents = [read_file(path) for path in paths]
    scope = scope_of(documents, uai, year)
    engine = create_engine(settings.database)
    try:
        await create_tables(engine, MODELS)
        async with transaction(session_factory(engine)) as session:
            return scope, await load_files(session, bee_journal(settings.journal_retention), scope, documents)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--uai", help="UAI de l'établissement (sinon, celui des fichiers)")
    parser.add_argument("--year", type=int, help="année scolaire de début (sinon, celle des fichiers)")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        scope, tally = asyncio.run(load(BeeSettings(), args.files, args.uai, args.year))
    except DomainError as error:
        print(f"refusé : {error.title} {error.detail or ''}", file=sys.stderr)
        return 1
    print(
        f"bee {scope.uai} {scope.year} : {tally.added} ajouts, {tally.changed} modifications, "
        f"{tally.removed} suppressions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
