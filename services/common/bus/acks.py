"""What to do with a JetStream message once its handler has run: decided here and nowhere else.

- success: ack;
- a poison message (it can never succeed: malformed, or refused by a domain rule): terminate, so it is
  not redelivered forever, and let the caller report it;
- anything else is presumed transient (a database lock, a peer that did not answer): nak with a growing
  delay, until the delivery count reaches the consumer's ``max_deliver``, then terminate.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from services.common.errors import DomainError

DEFAULT_BACKOFF: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


class PoisonMessage(Exception):
    """The message can never be processed; retrying would not help."""


class TransientFailure(Exception):
    """The message could be processed later; retry with back-off."""


class Disposition(enum.Enum):
    ACK = "ack"
    NAK = "nak"
    TERM = "term"


@dataclass(frozen=True)
class Decision:
    disposition: Disposition
    delay: float | None = None


def is_poison(error: BaseException) -> bool:
    """Client errors (4xx domain errors) are final: the same message would fail again."""
    if isinstance(error, PoisonMessage):
        return True
    return isinstance(error, DomainError) and 400 <= error.status < 500


def decide(
    error: BaseException | None,
    *,
    delivered: int,
    max_deliver: int,
    backoff: Sequence[float] = DEFAULT_BACKOFF,
) -> Decision:
    """The acknowledgement for a message delivered ``delivered`` times whose handler raised ``error``."""
    if error is None:
        return Decision(Disposition.ACK)
    if is_poison(error) or (max_deliver > 0 and delivered >= max_deliver):
        return Decision(Disposition.TERM)
    step = min(max(delivered, 1) - 1, len(backoff) - 1)
    return Decision(Disposition.NAK, delay=backoff[step])
