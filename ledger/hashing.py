"""Canonical content of an entry and its SHA-256, for idempotency and the hash chain.

The canonical form is compact JSON with sorted keys, UTF-8, amounts as
integer minor units and postings in a fixed order, so the same entry always
hashes to the same digest on every machine and backend.
"""

import hashlib
import json
from datetime import UTC

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(payload: dict) -> bytes:
    return _ENCODER.encode(payload).encode()


def _sha256(payload: dict) -> str:
    return hashlib.sha256(_canonical(payload)).hexdigest()


def content_digest(*, effective_date, description, cause, reverses_id, postings) -> str:
    """What the caller asked for, independent of when and by whom: the idempotency fingerprint.

    `postings` is an iterable of (account code, commodity code, amount in minor units).
    """
    return _sha256(
        {
            "effective_date": effective_date.isoformat(),
            "description": description,
            "cause": cause,
            "reverses": reverses_id,
            "postings": sorted(
                [code, commodity, int(amount)] for code, commodity, amount in postings
            ),
        }
    )


def chain_hash(
    *, sequence, previous_hash, idempotency_key, posted_at, posted_by_id, content_digest
) -> str:
    """The entry's link in the chain: its content digest plus its place and provenance."""
    return _sha256(
        {
            "sequence": sequence,
            "previous_hash": previous_hash,
            "idempotency_key": idempotency_key,
            "posted_at": posted_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "posted_by": posted_by_id,
            "content_digest": content_digest,
        }
    )
