"""Who is looking, and what they may see: a national supervisor sees every school, an academic one the
schools of their académie(s) only. Every query of the console goes through :meth:`Scope.condition`,
and every single record through :meth:`Scope.allows`, so the rule is written once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import Mapped

from services.common.academies import resolve_academie
from services.common.errors import Forbidden

ROLE_NATIONAL = "superviseur-national"
ROLE_ACADEMIC = "superviseur-academique"
SUPERVISOR_ROLES = frozenset({ROLE_NATIONAL, ROLE_ACADEMIC})


@dataclass(frozen=True)
class Supervisor:
    """A signed-in supervisor (a person or an API client) and the académies they watch."""

    username: str
    display_name: str
    national: bool
    academies: frozenset[str]

    @classmethod
    def of(cls, username: str, role: str, scopes: Iterable[str], display_name: str = "") -> Supervisor:
        """From an account's role and scopes; former académies (``caen``) count as their successor."""
        if role not in SUPERVISOR_ROLES:
            raise Forbidden("Ce compte n'est pas un compte de supervision.", code="role-non-superviseur")
        slugs = frozenset(a.slug for scope in scopes if (a := resolve_academie(scope)) is not None)
        return cls(username, display_name or username, role == ROLE_NATIONAL, slugs)

    @property
    def scope(self) -> Scope:
        return Scope(national=self.national, academies=self.academies)


@dataclass(frozen=True)
class Scope:
    national: bool
    academies: frozenset[str]

    def allows(self, academie: str | None) -> bool:
        """Syncs of no known school (refused before naming one) are national business."""
        return self.national or (academie is not None and academie in self.academies)

    def condition(self, column: Mapped[str | None]) -> ColumnElement[bool] | None:
        """The SQL restriction for a table's académie column, None when nothing is restricted."""
        if self.national:
            return None
        if not self.academies:
            return false()
        return column.in_(sorted(self.academies))

    def require(self, academie: str | None) -> None:
        """Refuse a filter on an académie outside the scope (rather than silently answer nothing)."""
        if not self.allows(academie):
            raise Forbidden(
                "Cette académie n'est pas dans votre périmètre de supervision.",
                code="hors-perimetre",
            )


NATIONAL = Scope(national=True, academies=frozenset())
