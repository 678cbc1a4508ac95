"""Operator import of a real school's STS-WEB export into STS, through the journaled write path.

    python -m services.sts.load sts_emp_0310053P_2026.xml

The school and year are those of the file (``UAJ/@CODE``, ``ANNEE_SCOLAIRE/@ANNEE``). The file replaces
the school year's STS data as a whole; what did not change is neither written nor journaled. Settings
come from the environment (``STS_DATABASE__URL``...), as for the service.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.errors import DomainError
from services.common.formats.sts_edt import StsEdt, read_sts_edt
from services.common.formats.zipsafe import looks_like_zip, read_zip_member
from services.common.pull.journal import Scope
from services.common.pull.store import Tally
from services.sts.models import MODELS
from services.sts.service import load_sts_edt, sts_journal
from services.sts.settings import StsSettings


def read_file(path: Path) -> StsEdt:
    data, name = path.read_bytes(), path.name
    if looks_like_zip(data):
        name, data = read_zip_member(data, filename=path.name)
    return read_sts_edt(data, filename=name)


async def load(settings: StsSettings, document: StsEdt) -> tuple[Scope, Tally]:
    scope = Scope(document.uaj.code.upper(), document.annee_scolaire.annee)
    engine = create_engine(settings.database)
    try:
        await create_tables(engine, MODELS)
        async with transaction(session_factory(engine)) as session:
            return scope, await load_sts_edt(
                session, sts_journal(settings.journal_retention), scope, document
            )
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path, help="sts_emp_<UAI>_<année>.xml (ou un zip qui le contient)")
    args = parser.parse_args(argv)
    try:
        scope, tally = asyncio.run(load(StsSettings(), read_file(args.file)))
    except DomainError as error:
        print(f"refusé : {error.title} {error.detail or ''}", file=sys.stderr)
        return 1
    print(
        f"sts {scope.uai} {scope.year} : {tally.added} ajouts, {tally.changed} modifications, "
        f"{tally.removed} suppressions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
