"""A real nginx (Debian's package) in front of the gateway, configured as ingress-nginx configures itself
for client-certificate verification: it terminates the editor's TLS, verifies the certificate
(``ssl_verify_client optional``) and forwards it URL-encoded in ``ssl-client-cert`` with the verdict in
``ssl-client-verify``, replacing whatever the client sent under those names.

It talks to the gateway from its own loopback address (``proxy_bind``), so that a test can tell a
request from the proxy and one that bypasses it by the peer address alone. It proves itself either with
a shared secret header or with a client certificate (mTLS to the gateway), as the two proxy modes do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.common.localnats import free_port, wait_for_port

PROXY_ADDRESS = "127.0.0.2"  # nginx's source address towards the gateway; editors use 127.0.0.1


@dataclass(frozen=True)
class ProxyProof:
    """How nginx proves to the gateway that it is the proxy."""

    shared_secret: str | None = None
    client_cert: Path | None = None  # with its key: mTLS from nginx to the gateway
    client_key: Path | None = None
    gateway_ca: Path | None = None  # to verify the gateway's certificate when mTLS is used


@dataclass(frozen=True)
class EdgeTls:
    """What nginx presents to editors and trusts from them."""

    certfile: Path
    keyfile: Path
    client_ca: Path  # the platform's CA chain (issuing CA and root)


def nginx_binary() -> str:
    """Debian's nginx (`make system-deps`); in CI its absence fails the test instead of skipping it."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI") == "true":
            raise RuntimeError("CI=true but nginx is not installed (make system-deps)")
        pytest.skip("nginx is not installed: make system-deps")
    return found


def nginx_config(prefix: Path, port: int, edge: EdgeTls, upstream_port: int, proof: ProxyProof) -> str:
    upstream_scheme = "https" if proof.client_cert else "http"
    return f"""
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream gateway {{ server 127.0.0.1:{upstream_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {edge.certfile};
        ssl_certificate_key {edge.keyfile};
        ssl_client_certificate {edge.client_ca};
        ssl_verify_client optional;
        ssl_verify_depth 2;
        location / {{
            proxy_pass {upstream_scheme}://gateway;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_bind {PROXY_ADDRESS};
            proxy_set_header ssl-client-cert $ssl_client_escaped_cert;
            proxy_set_header ssl-client-verify $ssl_client_verify;
            {_proof_directives(proof)}
        }}
    }}
}}
"""


def _proof_directives(proof: ProxyProof) -> str:
    if proof.client_cert is not None:
        return (
            f"proxy_ssl_certificate {proof.client_cert};\n"
            f"            proxy_ssl_certificate_key {proof.client_key};\n"
            f"            proxy_ssl_trusted_certificate {proof.gateway_ca};\n"
            "            proxy_ssl_verify on;\n"
            "            proxy_ssl_name localhost;\n"
            "            proxy_ssl_server_name on;"
        )
    return f'proxy_set_header X-Netsynchro-Proxy-Secret "{proof.shared_secret}";'


@contextmanager
def running_nginx(prefix: Path, edge: EdgeTls, upstream_port: int, proof: ProxyProof) -> Iterator[int]:
    """nginx in the foreground (one process, no master), stopped and reaped on exit; yields its port."""
    binary = nginx_binary()
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(prefix, port, edge, upstream_port, proof))
    command = [binary, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        try:
            wait_for_port(port, timeout=10)
        except TimeoutError:
            raise RuntimeError(f"nginx did not start: {(prefix / 'error.log').read_text()}") from None
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
