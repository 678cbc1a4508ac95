"""Writing PKI files with the right permissions, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644


def write_private(path: Path, data: bytes) -> None:
    """Write a file that only its owner may read (private keys, PKCS#12 bundles)."""
    _write_atomically(path, data, PRIVATE_MODE)


def write_public(path: Path, data: bytes) -> None:
    """Write a file anyone may read (certificates, chains, CRLs, manifests)."""
    _write_atomically(path, data, PUBLIC_MODE)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    # mkstemp creates the file 0600 from the start, so a key is never readable by others even briefly;
    # the rename means a reader never sees half a file and --force never leaves a torn set.
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
