"""Canonical content of an entry and its SHA-256, for idempotency and the hash chain.

The canonical form is compact JSON with sorted keys, UTF-8, amounts as
integer minor units and postings in a fixed order, so the same entry always
hashes to the same digest on every machine and backend. It is written out
directly rather than through json.dumps (a third of a bulk posting's Python
time went to the encoder); tests/ledger/test_hashing.py checks that the bytes
are exactly what json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False) gives.
"""

import hashlib
from datetime import UTC
from functools import lru_cache
from json.encoder import encode_basestring as _string


def _sha256(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()


def _number(value) -> str:
    return "null" if value is None else str(int(value))


def content_digest(*, effective_date, description, cause, reverses_id, postings) -> str:
    """What the caller asked for, independent of when and by whom: the idempotency fingerprint.

    `postings` is an iterable of (account code, commodity code, amount in minor units).
    """
    legs = ",".join(
        f"[{_string(code)},{_string(commodity)},{amount}]"
        for code, commodity, amount in sorted(
            (code, commodity, int(amount)) for code, commodity, amount in postings
        )
    )
    return _sha256(
        f'{{"cause":{_string(cause)},"description":{_string(description)},'
        f'"effective_date":"{effective_date.isoformat()}","postings":[{legs}],'
        f'"reverses":{_number(reverses_id)}}}'
    )


@lru_cache(maxsize=16)
def _timestamp(posted_at) -> str:
    # A batch shares one posting time: format it once.
    return posted_at.astimezone(UTC).isoformat(timespec="microseconds")


def chain_hash(
    *, sequence, previous_hash, idempotency_key, posted_at, posted_by_id, content_digest
) -> str:
    """The entry's link in the chain: its content digest plus its place and provenance."""
    return _sha256(
        f'{{"content_digest":{_string(content_digest)},'
        f'"idempotency_key":{_string(idempotency_key)},"posted_at":"{_timestamp(posted_at)}",'
        f'"posted_by":{_number(posted_by_id)},"previous_hash":{_string(previous_hash)},'
        f'"sequence":{int(sequence)}}}'
    )
