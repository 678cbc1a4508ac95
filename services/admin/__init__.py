"""``netsynchro-admin``: the operator's one command, in French (see docs/operations.md)."""
