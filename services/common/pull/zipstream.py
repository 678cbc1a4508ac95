"""A SIECLE-style zip (``ExportXML_<Name>.zip`` holding ``<Name>.xml``) written while its XML streams.

:mod:`zipfile` writes to a stream it cannot seek by putting each member's sizes and CRC in a data
descriptor after the data; every reader, :func:`services.common.formats.zipsafe.read_zip_member`
included, takes them from the central directory. So the archive is deflated piece by piece, and what
leaves at each step is only what the compressor has produced.
"""

from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator
from datetime import datetime


class _Sink:
    """A write-only file for :class:`zipfile.ZipFile`; the caller takes what was written so far."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def take(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


async def zipped(member: str, pieces: AsyncIterator[bytes], *, modified: datetime) -> AsyncIterator[bytes]:
    """The archive of ``pieces`` as the one member ``member``, deflated, as it is produced."""
    sink = _Sink()
    info = zipfile.ZipInfo(member, date_time=modified.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(sink, "w") as archive, archive.open(info, "w") as entry:
        async for piece in pieces:
            entry.write(piece)
            if written := sink.take():
                yield written
    yield sink.take()
