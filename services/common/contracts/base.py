"""The base of every message that crosses a service boundary."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """A message between services: a field the model does not declare is an error, not a silent loss.

    Producer and consumer use the same class, so a renamed or forgotten field fails where the message
    is read (and in ``tests/contracts``), instead of reaching a page as an empty cell.
    """

    model_config = ConfigDict(extra="forbid")
