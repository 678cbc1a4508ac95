"""The NetSynchro client: one pooled mTLS connection, retries, typed errors, stored cursors."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from netsynchro.certificates import Certificate
from netsynchro.cursors import CursorStore, MemoryCursorStore, cursor_key
from netsynchro.errors import ImportRejectedError, NetSynchroError, TransportError, problem_error
from netsynchro.models import Export, PushReceipt, SyncStatus
from netsynchro.retry import RETRIED_STATUSES, RetryPolicy

Progress = Callable[[int, int | None], None]  # bytes done, bytes expected (None when unknown)
CURSOR_HEADER = "Curseur-Suivant"
_TRANSIENT = (
    httpx.ConnectError,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.PoolTimeout,
)


class Client:
    """Talks to the platform's gateway on behalf of one school's certificate.

    Use as a context manager so the connection is closed; a single connection is kept alive between
    calls (a new mTLS handshake costs the platform far more than a request)."""

    def __init__(
        self,
        base_url: str,
        certificate: Certificate,
        *,
        ca_file: Path | str | None = None,
        cursors: CursorStore | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.cursors = cursors or MemoryCursorStore()
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            verify=certificate.ssl_context(ca_file),
            timeout=timeout,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=60),
            headers={"User-Agent": "netsynchro-python/0.1"},
            transport=transport,
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- identity and sequencing ---------------------------------------------------------------
    def whoami(self) -> dict[str, Any]:
        """What the certificate proves: school, editor, product, serial, validity, allowed flows."""
        return self._json("GET", "/v1/moi")

    def can_run(self, uai: str, year: int) -> list[dict[str, Any]]:
        """For each flow: may it run now, and if not, why."""
        body = self._json("GET", f"{_school(uai, year)}/flux")
        flows: list[dict[str, Any]] = body["flux"]
        return flows

    # -- pull ------------------------------------------------------------------------------------
    def pull(
        self,
        flow: str,
        uai: str,
        year: int,
        *,
        export_format: str = "xml",
        since: str | None = None,
        incremental: bool = False,
        with_addresses: bool = True,
        etag: str | None = None,
        destination: Path | None = None,
        progress: Progress | None = None,
    ) -> Export:
        """Pull an export. ``incremental`` asks for the changes since the cursor stored for this school,
        year and flow (a full export the first time) and stores the next cursor."""
        variant = "" if flow != "eleves" else ("avec-adresses" if with_addresses else "sans-adresses")
        key = cursor_key(uai, year, flow, variant + ("" if export_format == "xml" else f"-{export_format}"))
        if incremental and since is None:
            since = self.cursors.get(key)
        params: dict[str, str] = {"format": export_format}
        if since:
            params["depuis"] = since
        if flow == "eleves":
            params["adresses"] = "1" if with_addresses else "0"
        headers = {"If-None-Match": etag} if etag else {}
        export = self._download(flow, f"{_school(uai, year)}/{flow}", params, headers, destination, progress)
        if incremental and export.cursor:
            self.cursors.put(key, export.cursor)
        return export

    def _download(
        self,
        flow: str,
        path: str,
        params: dict[str, str],
        headers: dict[str, str],
        destination: Path | None,
        progress: Progress | None,
    ) -> Export:
        """An export is a GET: a body cut off mid-way is simply asked for again."""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return self._download_once(flow, path, params, headers, destination, progress)
            except _TRANSIENT as error:
                if attempt == self.retry.attempts:
                    raise TransportError(f"transfert interrompu : {error}") from error
                self._sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")

    def _download_once(
        self,
        flow: str,
        path: str,
        params: dict[str, str],
        headers: dict[str, str],
        destination: Path | None,
        progress: Progress | None,
    ) -> Export:
        with self._stream("GET", path, params=params, headers=headers) as response:
            meta = _export_meta(flow, response)
            if response.status_code == 304:
                return Export(**meta, size=0, not_modified=True)
            expected = (
                int(response.headers["Content-Length"]) if "Content-Length" in response.headers else None
            )
            if destination is not None:
                size = _save(response, destination, expected, progress)
                return Export(**meta, size=size, path=destination)
            content = b"".join(_counted(response.iter_bytes(), expected, progress))
            return Export(**meta, size=len(content), content=content)

    # -- push ------------------------------------------------------------------------------------
    def push(
        self,
        flow: str,
        uai: str,
        year: int,
        payload: bytes | Path,
        *,
        simulation: bool = False,
        idempotency_key: str | None = None,
    ) -> PushReceipt:
        """Send an import. The Idempotency-Key (generated unless given) is reused on every retry, so a
        retry after a dropped connection returns the first sync instead of importing twice."""
        data = payload.read_bytes() if isinstance(payload, Path) else payload
        key = idempotency_key or str(uuid.uuid4())
        media_type = "application/zip" if data[:4] == b"PK\x03\x04" else "application/xml"
        body = self._json(
            "POST",
            f"{_school(uai, year)}/{flow}",
            content=data,
            params={"simulation": "1"} if simulation else None,
            headers={"Idempotency-Key": key, "Content-Type": media_type},
        )
        verdict = body if body.get("simulation") else None
        return PushReceipt(body["sync_id"], body["statut_url"], body["etat"], key, verdict)

    def status(self, sync_id: str) -> SyncStatus:
        body = self._json("GET", f"/v1/syncs/{sync_id}")
        return SyncStatus(body["sync_id"], body["etat"], body)

    def wait(
        self,
        sync_id: str,
        *,
        timeout: float = 600.0,
        interval: float = 0.5,
        on_state: Callable[[SyncStatus], None] | None = None,
        raise_on_rejection: bool = True,
    ) -> SyncStatus:
        """Poll until the sync reaches a final state, or is held for a supervisor's decision (which can
        take days: the caller decides what to do); raise ImportRejectedError if it did not apply."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.status(sync_id)
            if on_state is not None:
                on_state(current)
            if current.is_held:
                return current
            if current.is_final:
                if raise_on_rejection and not current.succeeded and current.state != "partially_applied":
                    raise ImportRejectedError(current.raw)
                return current
            if time.monotonic() > deadline:
                raise NetSynchroError(f"{sync_id}: toujours « {current.state} » après {timeout:.0f} s")
            self._sleep(min(interval, max(0.0, deadline - time.monotonic())))

    # -- transport -------------------------------------------------------------------------------
    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        with self._stream(method, path, **kwargs) as response:
            response.read()
            body: dict[str, Any] = response.json()
            return body

    @contextmanager
    def _stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """Send with retries until a response worth reading arrives (a success or 304); a problem
        answer is raised as its typed error. Errors while the caller reads the body are not retried
        here (see :meth:`_download`)."""
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self._http.send(self._http.build_request(method, path, **kwargs), stream=True)
            except _TRANSIENT as error:
                if attempt == self.retry.attempts:
                    raise TransportError(f"plateforme injoignable : {error}") from error
                self._sleep(self.retry.delay(attempt))
                continue
            try:
                if response.status_code in RETRIED_STATUSES and attempt < self.retry.attempts:
                    self._sleep(self.retry.delay(attempt, response.headers.get("Retry-After")))
                    continue
                if response.status_code >= 400:
                    response.read()
                    raise problem_error(response.status_code, _problem(response))
                yield response
                return
            finally:
                response.close()
        raise AssertionError("unreachable")


def _school(uai: str, year: int) -> str:
    return f"/v1/etablissements/{uai}/annees/{year}"


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"title": response.text[:200] or response.reason_phrase, "status": response.status_code}
    return body if isinstance(body, dict) else {"title": str(body)}


def _export_meta(flow: str, response: httpx.Response) -> dict[str, Any]:
    disposition = response.headers.get("Content-Disposition", "")
    filename = disposition.split("filename=", 1)[1].strip('"') if "filename=" in disposition else None
    return {
        "flow": flow,
        "sync_id": response.headers.get("Sync-Id"),
        "media_type": response.headers.get("Content-Type", ""),
        "filename": filename,
        "etag": response.headers.get("ETag"),
        "cursor": response.headers.get(CURSOR_HEADER),
        "kind": response.headers.get("Type-Export"),
    }


def _counted(chunks: Iterator[bytes], expected: int | None, progress: Progress | None) -> Iterator[bytes]:
    done = 0
    for chunk in chunks:
        done += len(chunk)
        if progress is not None:
            progress(done, expected)
        yield chunk


def _save(
    response: httpx.Response, destination: Path, expected: int | None, progress: Progress | None
) -> int:
    """Write to a temporary file beside the destination, renamed only once complete."""
    partial = destination.with_name(destination.name + ".partiel")
    size = 0
    with partial.open("wb") as handle:
        for chunk in _counted(response.iter_bytes(), expected, progress):
            handle.write(chunk)
            size += len(chunk)
    partial.replace(destination)
    return size
