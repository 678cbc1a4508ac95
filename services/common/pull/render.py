"""Writing an export piece by piece, in XML (the ministry's exact shape) or JSON.

The XML is what :func:`services.common.formats.xmlwrite.serialize` would write for the whole document —
the same prolog, ISO-8859-15, two-space indentation, ``<EMPTY/>`` containers — but produced one record
at a time: each record is built by the codec's writer, indented at its depth and encoded on its own.
A container is opened lazily, when its first record comes, so that an empty one is written ``<X/>`` (or
left out) exactly as the codecs do.

The JSON rendering follows the codec models' :func:`~services.common.records.to_data` shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from services.common.formats.xmlsafe import looks_like_utf8
from services.common.formats.xmlwrite import ENCODING, PROLOG


def encode_piece(text: str) -> bytes:
    """ISO-8859-15 with references for the rest; a piece that would read as UTF-8 goes all-ASCII."""
    data = text.encode(ENCODING, "xmlcharrefreplace")
    return text.encode("ascii", "xmlcharrefreplace") if looks_like_utf8(data) else data


def _open_tag(tag: str, attributes: Mapping[str, str]) -> str:
    return etree.tostring(etree.Element(tag, dict(attributes)), encoding="unicode")[:-2] + ">"


class XmlPieces:
    """Writes a document downwards: containers are a stack, opened when their first child comes."""

    def __init__(self, root: str, attributes: Mapping[str, str]) -> None:
        self._stack: list[tuple[str, bool]] = [(root, True)]  # (tag, opened) — the root is opened at once
        self._pending: list[tuple[str, bool]] = []  # (tag, written even when empty) not opened yet
        self._root_open = _open_tag(root, attributes)

    def begin(self) -> bytes:
        return PROLOG + b"\n" + encode_piece(self._root_open)

    def goto(self, path: Sequence[str], keep_leaf: bool) -> bytes:
        """Move to the container at ``path``; ``keep_leaf``: write it even if no record comes."""
        out = [] if self._at(path) else [self._close_to(self._common(path))]
        known = len(self._stack) + len(self._pending) - 1
        for depth, tag in enumerate(path[known:], start=known):
            self._pending.append((tag, keep_leaf or depth < len(path) - 1))
        return b"".join(out)

    def element(self, elem: etree._Element) -> bytes:
        opening = self._open_pending()
        depth = len(self._stack)
        etree.indent(elem, space="  ", level=depth)
        elem.tail = None
        return opening + encode_piece("\n" + "  " * depth + etree.tostring(elem, encoding="unicode"))

    def end(self) -> bytes:
        root, _ = self._stack[0]
        return self._close_to(0) + encode_piece(f"\n</{root}>\n")

    def _at(self, path: Sequence[str]) -> bool:
        return [tag for tag, _ in (*self._stack[1:], *self._pending)] == list(path)

    def _common(self, path: Sequence[str]) -> int:
        current = [tag for tag, _ in (*self._stack[1:], *self._pending)]
        depth = 0
        while depth < min(len(current), len(path)) and current[depth] == path[depth]:
            depth += 1
        return depth

    def _open_pending(self) -> bytes:
        pieces = []
        for tag, _ in self._pending:
            pieces.append("\n" + "  " * len(self._stack) + f"<{tag}>")
            self._stack.append((tag, True))
        self._pending.clear()
        return encode_piece("".join(pieces))

    def _close_to(self, depth: int) -> bytes:
        """Close containers until ``depth`` remain below the root (pending ones: ``<X/>`` or nothing)."""
        pieces: list[str] = []
        while len(self._stack) - 1 + len(self._pending) > depth:
            if self._pending:
                tag, keep = self._pending.pop()
                if keep:
                    pieces.append(self._empty(tag))
                continue
            tag, _ = self._stack.pop()
            pieces.append("\n" + "  " * len(self._stack) + f"</{tag}>")
        return encode_piece("".join(pieces))

    def _empty(self, tag: str) -> str:
        # An empty container needs its pending parents opened first: open them, then write <X/>.
        parents = self._open_pending().decode(ENCODING)
        return parents + "\n" + "  " * len(self._stack) + f"<{tag}/>"


class JsonPieces:
    """The JSON rendering, written downwards too: objects for containers, lists for sections.

    Every section of the layout is written, as ``[]`` when empty, so the JSON of an export reads back
    (:func:`services.common.records.from_data`) into the same model as its XML.
    """

    def __init__(self, header: Mapping[str, Any]) -> None:
        self._header = header
        self._stack: list[tuple[str, str]] = []  # (key, closing bracket)
        self._first: list[bool] = [True]

    def begin(self) -> bytes:
        members = ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in self._header.items())
        self._first[-1] = not members
        return ("{" + members).encode()

    def goto(self, path: Sequence[str]) -> bytes:
        """Move to the list at ``path`` (its parents are objects)."""
        common = 0
        current = [key for key, _ in self._stack]
        while common < min(len(path), len(current)) and path[common] == current[common]:
            common += 1
        out = [self._close_to(common)]
        for depth, key in enumerate(path[common:], start=common):
            is_list = depth == len(path) - 1
            out.append(self._comma() + json.dumps(key) + (":[" if is_list else ":{"))
            self._stack.append((key, "]" if is_list else "}"))
            self._first.append(True)
        return "".join(out).encode()

    def item(self, data: Any) -> bytes:
        return (self._comma() + dumps(data)).encode()

    def end(self) -> bytes:
        return (self._close_to(0) + "}").encode()

    def _comma(self) -> str:
        first, self._first[-1] = self._first[-1], False
        return "" if first else ","

    def _close_to(self, depth: int) -> str:
        closing = []
        while len(self._stack) > depth:
            closing.append(self._stack.pop()[1])
            self._first.pop()
        return "".join(closing)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
