"""GIN-WEB's published CRL: rebuilt when a revocation happened or half its lifetime has passed.

The check is one cheap aggregate query per request, so several GIN-WEB replicas serve the same list
without telling each other anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.serialization import Encoding
from sqlmodel import col, func, select

from services.common.auth import utc_now
from services.common.db import SessionFactory, transaction
from services.common.pki import CertificateAuthority
from services.ginweb.certificates import revoked_entries
from services.ginweb.models import Certificate


@dataclass
class _Built:
    der: bytes
    built_at: datetime
    fingerprint: tuple[int, datetime | None]


class CrlPublisher:
    def __init__(self, ca: CertificateAuthority, next_update: timedelta) -> None:
        self.ca, self.next_update = ca, next_update
        self._built: _Built | None = None

    async def current_der(self, sessions: SessionFactory) -> bytes:
        """The DER CRL, signed by the issuing CA, valid for ``next_update``."""
        # Taken before reading the revocations: a revocation committed after this instant has a stream
        # timestamp after lastUpdate, so a gateway replaying from lastUpdate (minus a margin) sees it.
        now = utc_now()
        async with transaction(sessions) as db:
            statement = select(func.count(), func.max(col(Certificate.revoked_at))).where(
                col(Certificate.revoked_at).is_not(None)
            )
            count, latest = (await db.exec(statement)).one()
            fingerprint = (int(count), latest)
            if self._is_current(fingerprint, now):
                assert self._built is not None
                return self._built.der
            entries = await revoked_entries(db, now)
        crl = self.ca.build_crl(entries, now=now, next_update=self.next_update)
        self._built = _Built(crl.public_bytes(Encoding.DER), now, fingerprint)
        return self._built.der

    def _is_current(self, fingerprint: tuple[int, datetime | None], now: datetime) -> bool:
        built = self._built
        if built is None or built.fingerprint != fingerprint:
            return False
        return now - built.built_at < self.next_update / 2
