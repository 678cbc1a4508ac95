"""GIN-WEB's certificate authority and the TLS plumbing around it.

Public surface (the submodules are implementation detail):

- :class:`CertificateAuthority` generates, saves and loads the root and issuing CA, issues the gateway's
  server certificate and editor certificates (from a CSR or with a new key) and builds CRLs.
- :class:`EditorBinding` and :mod:`.profile` define the editor certificate profile.
- :func:`certificates_pem`, :func:`private_key_pem`, :func:`pkcs12_bundle` export what editors install.
- :func:`server_context` and :func:`client_context` build ``ssl.SSLContext`` objects.
"""

from services.common.pki.authority import CHAIN_FILE, ROOT_CERT_FILE, CertificateAuthority, IssuedCertificate
from services.common.pki.crl import RevokedEntry
from services.common.pki.csr import CsrRejected
from services.common.pki.export import certificates_pem, load_private_key_pem, pkcs12_bundle, private_key_pem
from services.common.pki.files import write_private, write_public
from services.common.pki.profile import (
    EditorBinding,
    parse_product_uri,
    parse_uai_uri,
    school_year_end,
    school_year_start,
)
from services.common.pki.tls import ClientCertificates, client_context, server_context

__all__ = [
    "CHAIN_FILE",
    "ROOT_CERT_FILE",
    "CertificateAuthority",
    "ClientCertificates",
    "CsrRejected",
    "EditorBinding",
    "IssuedCertificate",
    "RevokedEntry",
    "certificates_pem",
    "client_context",
    "load_private_key_pem",
    "parse_product_uri",
    "parse_uai_uri",
    "pkcs12_bundle",
    "private_key_pem",
    "school_year_end",
    "school_year_start",
    "server_context",
    "write_private",
    "write_public",
]
