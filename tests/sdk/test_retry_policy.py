"""Back-off with jitter, and the server's Retry-After honoured."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from netsynchro.retry import RetryPolicy, parse_retry_after


def test_backoff_grows_exponentially_with_full_jitter_and_a_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, rng=random.Random(7))
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)):
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(0 <= delay <= ceiling for delay in delays)
        assert max(delays) > ceiling * 0.8  # jitter spreads over the whole window


def test_retry_after_in_seconds_or_as_a_date_is_honoured() -> None:
    policy = RetryPolicy(max_delay=60.0)
    assert policy.delay(1, "12") == 12.0
    in_twenty = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    assert 17 <= policy.delay(1, in_twenty) <= 20
    assert policy.delay(1, "3600") == 60.0  # capped


def test_unreadable_retry_after_falls_back_to_backoff() -> None:
    assert parse_retry_after("bientôt") is None
    assert 0 <= RetryPolicy(base_delay=1.0).delay(1, "bientôt") <= 1.0
