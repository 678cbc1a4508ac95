"""The académie's steps of the rollover in BEE, run by the running BEE service (over the bus):

    python -m services.bee.bascule load-nomenclatures --academie toulouse --year 2027 Nomenclature.xml
    python -m services.bee.bascule bascule --academie toulouse --year 2027 [--timeout 600]
    python -m services.bee.bascule bascule --uai 0310053P --year 2027
    python -m services.bee.bascule statut --uai 0310053P --year 2027

The académie's bascule takes, one by one, every school of the académie BEE holds in the year before,
and says for each whether it was done or refused and why (a school whose STS bascule is not done is
refused). NATS comes from the environment (``BEE_NATS__URL``), as for the service.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from services.bee.settings import BeeSettings
from services.common import subjects
from services.common.bus import Bus
from services.common.bus.rpc import ask
from services.common.formats.zipsafe import looks_like_zip, read_zip_member
from services.common.rollover import BeeBascule, BeeBasculeReport, LoadNomenclatures, StepOutcome
from services.common.rollover_bus import put_file
from services.common.rollover_cli import run, show_status

NAME = "bee-bascule"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load-nomenclatures")
    load.add_argument("--academie", required=True)
    load.add_argument("file", type=Path, help="Nomenclature.xml (ou ExportXML_Nomenclature.zip)")
    bascule = commands.add_parser("bascule")
    target = bascule.add_mutually_exclusive_group(required=True)
    target.add_argument("--academie")
    target.add_argument("--uai", type=str.upper)
    bascule.add_argument("--timeout", type=float, default=600.0, help="secondes (une académie est longue)")
    status = commands.add_parser("statut")
    status.add_argument("--uai", required=True, type=str.upper)
    for command in (load, bascule, status):
        command.add_argument("--year", required=True, type=int, help="année qui s'ouvre (2027 = 2027-2028)")
    return parser


def nomenclature_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if looks_like_zip(data):
        return read_zip_member(data, filename=path.name)[1]
    return data


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    nats = BeeSettings().nats
    if args.command == "statut":
        return show_status(nats, NAME, args.uai, args.year)
    if args.command == "bascule":
        command = BeeBascule(year=args.year, academie=args.academie, uai=args.uai)

        async def bascule(bus: Bus) -> BeeBasculeReport:
            return await ask(
                bus, subjects.BEE_ROLLOVER_BASCULE, command, BeeBasculeReport, within=args.timeout
            )

        return run(nats, NAME, bascule)
    data = nomenclature_bytes(args.file)

    async def load(bus: Bus) -> StepOutcome:
        request = LoadNomenclatures(
            academie=args.academie, year=args.year, object_name=await put_file(bus, data)
        )
        return await ask(
            bus, subjects.BEE_ROLLOVER_NOMENCLATURES, request, StepOutcome, within=nats.request_timeout
        )

    return run(nats, NAME, load)


if __name__ == "__main__":
    sys.exit(main())
