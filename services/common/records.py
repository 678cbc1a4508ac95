"""Dataclass records ⇄ JSON-compatible data, for the codecs' models.

Used to store a format's records in a JSON column and to answer exports in JSON: dates become ISO
strings, nested records dicts, lists lists; reading back rebuilds the exact typed record, guided by the
dataclass's type hints.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, TypeVar

R = TypeVar("R")


def to_data(value: Any) -> Any:
    """A JSON-compatible rendering of a record, list or scalar."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def from_data(record_type: type[R], data: Any) -> R:
    """The record of ``record_type`` that :func:`to_data` rendered as ``data``."""
    return typing.cast(R, _build(record_type, data))


@cache
def _hints(record_type: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(record_type)


def _build(annotation: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _build(options[0], data) if len(options) == 1 else data
    if origin in (list, tuple):
        (item_type, *_) = typing.get_args(annotation) or (Any,)
        return [_build(item_type, item) for item in data]
    if origin is dict:
        _key_type, value_type = typing.get_args(annotation)
        return {k: _build(value_type, v) for k, v in data.items()}
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        hints = _hints(annotation)
        values = {f.name: _build(hints[f.name], data.get(f.name)) for f in dataclasses.fields(annotation)}
        return annotation(**values)
    return _scalar(annotation, data)


def _scalar(annotation: Any, data: Any) -> Any:
    if annotation is datetime:
        return datetime.fromisoformat(data)
    if annotation is date:
        return date.fromisoformat(data)
    if annotation is time:
        return time.fromisoformat(data)
    if annotation is timedelta:
        return timedelta(seconds=data)
    return data
