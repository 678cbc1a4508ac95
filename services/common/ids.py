"""Identifiers: sortable sync ids and event ids.

A ULID (48-bit millisecond time + 80 random bits, Crockford base32) sorts by creation time, which makes
the supervision journal naturally ordered and keeps index inserts append-mostly.
"""

from __future__ import annotations

import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(now_ms: int | None = None) -> str:
    """A 26-character ULID."""
    timestamp = int(time.time() * 1000) if now_ms is None else now_ms
    value = (timestamp << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_CROCKFORD[index])
    return "".join(reversed(chars))


def new_sync_id() -> str:
    return new_ulid()


def new_event_id() -> str:
    return new_ulid()
