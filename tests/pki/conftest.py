"""Session-wide CAs: tests issue from them rather than paying for new CA keys each time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from services.common.pki import CertificateAuthority
from tests.pki.support import NOW


@pytest.fixture(scope="session")
def ca() -> CertificateAuthority:
    return CertificateAuthority.generate(now=NOW - timedelta(days=1))


@pytest.fixture(scope="session")
def foreign_ca() -> CertificateAuthority:
    return CertificateAuthority.generate(name="Autre", now=NOW - timedelta(days=1))


@pytest.fixture
def ca_dir(tmp_path: Path, ca: CertificateAuthority) -> Path:
    folder = tmp_path / "ca"
    ca.save(folder)
    return folder
