"""Where the client keeps, for the caller, the cursor of each export it pulled."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol


class CursorStore(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, cursor: str) -> None: ...


class MemoryCursorStore:
    def __init__(self) -> None:
        self._cursors: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._cursors.get(key)

    def put(self, key: str, cursor: str) -> None:
        self._cursors[key] = cursor


class FileCursorStore:
    """A JSON file, replaced atomically so a crash never leaves half a file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def get(self, key: str) -> str | None:
        return self._read().get(key)

    def put(self, key: str, cursor: str) -> None:
        cursors = self._read()
        cursors[key] = cursor
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".curseurs-")
        with os.fdopen(descriptor, "w") as handle:
            json.dump(cursors, handle, indent=2, sort_keys=True)
        os.replace(temporary, self.path)

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        data: dict[str, str] = json.loads(self.path.read_text())
        return data


def cursor_key(uai: str, year: int, flow: str, variant: str = "") -> str:
    return f"{uai}/{year}/{flow}" + (f"/{variant}" if variant else "")
