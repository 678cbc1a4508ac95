"""Every HTTP route of an app, with its full path: the walk that keeps route-wide tests complete."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.routing import BaseRoute, Mount, Route


@dataclass(frozen=True)
class HttpRoute:
    path: str
    methods: frozenset[str]
    in_schema: bool


def http_routes(app: FastAPI) -> list[HttpRoute]:
    """Routes as the app serves them, included routers expanded (static mounts left out)."""
    return sorted(_walk(app.router.routes), key=lambda route: route.path)


def _walk(routes: Iterable[object]) -> Iterator[HttpRoute]:
    for route in routes:
        # FastAPI >= 0.16x keeps included routers as branches; older versions flatten them.
        candidates = getattr(route, "effective_candidates", None)
        if candidates is not None:
            yield from _walk(candidates())
            continue
        original = getattr(route, "original_route", route)
        path = str(getattr(route, "path", None) or getattr(original, "path", ""))
        if isinstance(original, Mount) or not isinstance(original, BaseRoute):
            continue
        if isinstance(original, Route) or hasattr(original, "methods"):
            methods = frozenset(getattr(original, "methods", None) or ())
            yield HttpRoute(path, methods, bool(getattr(original, "include_in_schema", True)))
