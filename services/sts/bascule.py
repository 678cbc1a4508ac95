"""A school's steps of the rollover in STS-WEB, run by the running STS service (over the bus):

    python -m services.sts.bascule profile --uai 0310053P --year 2027 --mef 24723203310 --matiere 030201
    python -m services.sts.bascule profile --uai 0310053P --year 2027 --reconduire
    python -m services.sts.bascule profile --uai 0310053P --year 2027 --from-file profil.txt
    python -m services.sts.bascule bascule --uai 0310053P --year 2027 [--groupes]
    python -m services.sts.bascule statut --uai 0310053P --year 2027

``--from-file``: one code per line, ``MEF <code>`` or ``MATIERE <code>`` (``#`` starts a comment).
Profiling needs the académie's nomenclatures of the year (``python -m services.bee.bascule
load-nomenclatures``); the bascule copies the divisions of the year before, and its groups only with
``--groupes``. NATS comes from the environment (``STS_NATS__URL``), as for the service.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from services.common import subjects
from services.common.bus import Bus
from services.common.bus.rpc import ask
from services.common.errors import InvalidInput
from services.common.rollover import Profile, StepOutcome, StsBascule
from services.common.rollover_cli import run, show_status
from services.sts.settings import StsSettings

NAME = "sts-bascule"


def read_profile(path: Path) -> tuple[list[str], list[str]]:
    """The MEF and subject codes of a profile file."""
    mefs: list[str] = []
    matieres: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2 or words[0].upper() not in ("MEF", "MATIERE"):
            raise InvalidInput(
                f"{path}:{number} : attendu « MEF <code> » ou « MATIERE <code> ».", code="profil-illisible"
            )
        (mefs if words[0].upper() == "MEF" else matieres).append(words[1])
    return mefs, matieres


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("profile", "bascule", "statut"):
        command = commands.add_parser(name)
        command.add_argument("--uai", required=True, type=str.upper)
        command.add_argument("--year", required=True, type=int, help="année qui s'ouvre (2027 = 2027-2028)")
    profile = commands.choices["profile"]
    profile.add_argument("--mef", action="append", default=[], help="code MEF (répétable)")
    profile.add_argument("--matiere", action="append", default=[], help="code matière (répétable)")
    profile.add_argument(
        "--from-file", type=Path, help="fichier de codes : « MEF <code> », « MATIERE <code> »"
    )
    profile.add_argument(
        "--reconduire", action="store_true", help="ajoute les MEF et matières de l'année d'avant"
    )
    commands.choices["bascule"].add_argument(
        "--groupes", action="store_true", help="reconduit aussi les groupes"
    )
    return parser


def command_of(args: argparse.Namespace) -> tuple[str, Profile | StsBascule]:
    if args.command == "bascule":
        return subjects.STS_ROLLOVER_BASCULE, StsBascule(uai=args.uai, year=args.year, groupes=args.groupes)
    mefs, matieres = list(args.mef), list(args.matiere)
    if args.from_file is not None:
        from_file = read_profile(args.from_file)
        mefs, matieres = mefs + from_file[0], matieres + from_file[1]
    profile = Profile(uai=args.uai, year=args.year, mefs=mefs, matieres=matieres, reconduire=args.reconduire)
    return subjects.STS_ROLLOVER_PROFILE, profile


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    nats = StsSettings().nats
    if args.command == "statut":
        return show_status(nats, NAME, args.uai, args.year)
    try:
        subject, command = command_of(args)
    except InvalidInput as error:
        print(f"refusé [{error.code}] : {error.title}", file=sys.stderr)
        return 1

    async def send(bus: Bus) -> StepOutcome:
        return await ask(bus, subject, command, StepOutcome, within=nats.request_timeout)

    return run(nats, NAME, send)


if __name__ == "__main__":
    sys.exit(main())
