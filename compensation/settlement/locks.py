"""Advisory locks that serialise work on one run or one pilot-period across processes."""

import hashlib

from django.db import connection

RUN_LOCKS, PERIOD_LOCKS = 7_402, 7_403  # advisory-lock namespaces


def advisory_lock(namespace: int, *parts: int) -> None:
    """Hold lock (namespace, hash of `parts`) until the transaction ends (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=4).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [namespace, int.from_bytes(digest, "big") & 0x7FFFFFFF],
            )
