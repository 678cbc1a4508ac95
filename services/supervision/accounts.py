"""`python -m services.supervision.accounts`: create a supervisor account (local password or OIDC-only).

    python -m services.supervision.accounts --username marie.dupont --academie toulouse \\
        --display-name "Marie Dupont" --password-env DEMO_PASSWORD
    python -m services.supervision.accounts --username chef.national --national

The database comes from the service's settings (``SUPERVISION_DATABASE__URL``). Without a password the
account signs in through the configured OIDC provider only. An existing account is left as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from services.common.auth import create_account, find_account
from services.common.db import create_engine, create_tables, session_factory, transaction
from services.common.errors import DomainError, InvalidInput
from services.supervision.models import MODELS
from services.supervision.scope import ROLE_ACADEMIC, ROLE_NATIONAL, Supervisor
from services.supervision.settings import SupervisionSettings


async def ensure_supervisor(
    settings: SupervisionSettings,
    *,
    username: str,
    academies: Sequence[str],
    national: bool,
    password: str | None,
    display_name: str = "",
) -> bool:
    """Create the account unless it exists; False when it already did."""
    role = ROLE_NATIONAL if national else ROLE_ACADEMIC
    supervisor = Supervisor.of(username, role, academies)
    if not national and not supervisor.academies:
        raise InvalidInput("Précisez au moins une académie connue (--academie).", code="academie-inconnue")
    engine = create_engine(settings.database)
    try:
        await create_tables(engine, MODELS)
        async with transaction(session_factory(engine)) as session:
            if await find_account(session, username) is not None:
                return False
            await create_account(
                session,
                username=username,
                role=role,
                scopes=sorted(supervisor.academies),
                password=password,
                display_name=display_name,
                settings=settings.auth,
            )
            return True
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--username", required=True)
    parser.add_argument("--academie", action="append", default=[], help="slug d'académie (répétable)")
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--display-name", default="")
    parser.add_argument("--password-env", help="variable d'environnement contenant le mot de passe")
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env) if args.password_env else None
    try:
        created = asyncio.run(
            ensure_supervisor(
                SupervisionSettings(),
                username=args.username,
                academies=args.academie,
                national=args.national,
                password=password,
                display_name=args.display_name,
            )
        )
    except DomainError as error:
        print(f"refusé : {error.title} {error.detail or ''}", file=sys.stderr)
        return 1
    print(f"compte {args.username} {'créé' if created else 'déjà présent'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
