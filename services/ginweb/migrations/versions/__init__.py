"""One file per revision; see services/common/migrate.py."""
