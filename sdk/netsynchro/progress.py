"""Progress on stderr for transfers and waits, drawn only on a terminal (scripts get clean output)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, *, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last_draw = 0.0

    def transfer(self, done: int, expected: int | None) -> None:
        if not self._due(done == expected):
            return
        if expected:
            filled = int(30 * done / expected)
            bar = "█" * filled + "░" * (30 - filled)
            self._draw(f"{self.label} {bar} {done / 1e6:6.2f}/{expected / 1e6:.2f} Mo")
        else:
            self._draw(f"{self.label} {done / 1e6:6.2f} Mo")

    def state(self, state: str) -> None:
        self._draw(f"{self.label} : {state}")

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def _due(self, last: bool) -> bool:
        now = time.monotonic()
        if not self.enabled or (not last and now - self._last_draw < 0.1):
            return False
        self._last_draw = now
        return True

    def _draw(self, text: str) -> None:
        if self.enabled:
            self.stream.write("\r\033[K" + text)
            self.stream.flush()
