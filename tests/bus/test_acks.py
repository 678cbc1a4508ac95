"""The acknowledgement policy: one place decides ack, nak (with back-off) or term."""

from __future__ import annotations

import pytest

from services.common.bus import Disposition, PoisonMessage, TransientFailure, decide
from services.common.errors import Conflict, InvalidInput, Unavailable


def test_success_is_acked() -> None:
    assert decide(None, delivered=1, max_deliver=5).disposition is Disposition.ACK


@pytest.mark.parametrize("error", [PoisonMessage("bad json"), InvalidInput(), Conflict()])
def test_poison_and_client_errors_are_terminated_at_once(error: Exception) -> None:
    assert decide(error, delivered=1, max_deliver=5).disposition is Disposition.TERM


@pytest.mark.parametrize("error", [TransientFailure("locked"), Unavailable(), RuntimeError("boom")])
def test_transient_failures_are_retried_with_growing_delay(error: Exception) -> None:
    delays = [decide(error, delivered=n, max_deliver=10, backoff=(1.0, 2.0, 4.0)).delay for n in (1, 2, 3, 4)]
    assert delays == [1.0, 2.0, 4.0, 4.0]
    assert decide(error, delivered=1, max_deliver=10).disposition is Disposition.NAK


def test_last_allowed_delivery_is_terminated_instead_of_redelivered_forever() -> None:
    decision = decide(RuntimeError("still failing"), delivered=5, max_deliver=5)
    assert decision.disposition is Disposition.TERM


def test_unlimited_deliveries_keep_retrying() -> None:
    assert decide(RuntimeError(), delivered=1000, max_deliver=-1).disposition is Disposition.NAK
