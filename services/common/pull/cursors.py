"""Cursors: the opaque token an editor keeps to ask later for "what changed since then".

A cursor names a position in one service's journal for one school and year: ``(service, uai, year,
seq)``. It travels as ``<payload>.<mac>``, both base64url: the payload is readable by us only by
convention (editors must treat it as opaque), and the HMAC-SHA256 tag, keyed by the service's cursor
secret, makes it tamper-evident. A cursor for another school, year or service, or one edited by hand, is
refused as ``curseur-invalide``; one older than the journal's retention is ``curseur-perime`` (see
:func:`services.common.pull.exporting.check_since`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from services.common.errors import InvalidInput

_TAG_BYTES = 16


@dataclass(frozen=True, slots=True)
class Cursor:
    service: str
    uai: str
    year: int
    seq: int


def invalid_cursor(detail: str) -> InvalidInput:
    return InvalidInput(
        "Le curseur fourni n'est pas valide : reprenez le dernier curseur reçu "
        "ou demandez un export complet.",
        code="curseur-invalide",
        detail=detail,
    )


class CursorSigner:
    """Encodes and checks cursors with one service's secret."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def encode(self, cursor: Cursor) -> str:
        payload = f"{cursor.service}|{cursor.uai}|{cursor.year}|{cursor.seq}".encode()
        return f"{_b64(payload)}.{_b64(self._tag(payload))}"

    def decode(self, text: str) -> Cursor:
        """The cursor ``text`` stands for; raises ``curseur-invalide`` unless we signed it."""
        payload_text, dot, tag_text = text.strip().partition(".")
        if not dot:
            raise invalid_cursor("forme attendue : <données>.<signature>.")
        try:
            payload, tag = _unb64(payload_text), _unb64(tag_text)
        except (binascii.Error, ValueError):
            raise invalid_cursor("encodage base64url incorrect.") from None
        if not hmac.compare_digest(tag, self._tag(payload)):
            raise invalid_cursor("signature incorrecte : le curseur a été modifié ou vient d'ailleurs.")
        service, uai, year, seq = payload.decode().split("|")
        return Cursor(service=service, uai=uai, year=int(year), seq=int(seq))

    def _tag(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_TAG_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
