"""The NATS bus: one wrapper for connections, request/reply, durable publishing and pull consumers.

Public surface: :class:`Bus` (lifecycle, publish, serve, consume), the acknowledgement policy in
:mod:`services.common.bus.acks`, and the chunked reply protocol in :mod:`services.common.bus.chunks`.
"""

from services.common.bus.acks import Decision, Disposition, PoisonMessage, TransientFailure, decide
from services.common.bus.chunks import ChunkedReply, reply_chunks, reply_problem
from services.common.bus.client import Bus, NoAnswer
from services.common.bus.consumers import ConsumerSpec

__all__ = [
    "Bus",
    "ChunkedReply",
    "ConsumerSpec",
    "Decision",
    "Disposition",
    "NoAnswer",
    "PoisonMessage",
    "TransientFailure",
    "decide",
    "reply_chunks",
    "reply_problem",
]
