"""The reference samples (read in place from the shared folder, never copied) and tree comparison."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "formats"

Tree = tuple[str, dict[str, str], str, list["Tree"]]


def sample(relative: str) -> bytes:
    """The bytes of ``formats/<relative>``, e.g. ``Progress/Structures.xml``."""
    return (SAMPLES / relative).read_bytes()


def canonical(data: bytes, *, reorder: dict[str, list[str]] | None = None) -> Tree:
    """Tags, attributes, stripped text and children, in order: what "semantically identical" means.

    ``reorder`` maps a parent tag to the child order to sort its children by, for fixtures that do not
    follow the real files' order (the reader accepts any order, the writer emits the real one).
    """
    return _canonical(etree.fromstring(data), reorder or {})


def _canonical(elem: etree._Element, reorder: dict[str, list[str]]) -> Tree:
    children = [_canonical(child, reorder) for child in elem if isinstance(child.tag, str)]
    order = reorder.get(str(elem.tag))
    if order is not None:
        children.sort(key=lambda child: order.index(child[0]))
    attributes = {str(k): str(v) for k, v in elem.attrib.items()}
    return (str(elem.tag), attributes, (elem.text or "").strip(), children)
