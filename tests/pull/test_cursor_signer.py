"""The cursor signer: what it signs reads back; anything else is refused as ``curseur-invalide``."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidInput
from services.common.pull.cursors import Cursor, CursorSigner
from tests.support.pki import SCHOOL_A


def test_signed_cursor_round_trips_and_any_edit_is_detected() -> None:
    signer = CursorSigner("secret")
    cursor = Cursor("bee", SCHOOL_A, 2026, 42)
    text = signer.encode(cursor)

    assert signer.decode(text) == cursor
    payload, tag = text.split(".")
    forged = CursorSigner("secret").encode(Cursor("bee", SCHOOL_A, 2026, 0)).split(".")[0]
    for tampered in (f"{forged}.{tag}", f"{payload}.{tag[:-2]}AA", CursorSigner("other").encode(cursor)):
        with pytest.raises(InvalidInput, match="curseur-invalide"):
            signer.decode(tampered)
