"""The canonical form is written by hand for speed: it must be exactly the JSON it stands for."""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from ledger.hashing import chain_hash, content_digest

# Computed by the json.dumps implementation this module replaced.
EXPECTED_DIGEST = "554b3f9dd7ffb14dbfd38e9f9103d480f74a53488301233cb54661296d4406c5"
EXPECTED_LINK = "b6acecbd6382c817459015fdc5ee53321b4f813fe440eca90e0f3412ac2b94ef"


def _json_sha256(payload) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


text = st.text(max_size=40)  # any code point: quotes, backslashes, controls, CJK, U+2028
optional_id = st.none() | st.integers(min_value=1, max_value=2**63 - 1)
legs = st.lists(
    st.tuples(text, text, st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)),
    min_size=2,
    max_size=5,
)


@given(day=st.dates(), description=text, cause=text, reverses_id=optional_id, postings=legs)
def test_content_digest_is_the_sha256_of_canonical_json(
    day, description, cause, reverses_id, postings
):
    expected = _json_sha256(
        {
            "effective_date": day.isoformat(),
            "description": description,
            "cause": cause,
            "reverses": reverses_id,
            "postings": sorted([code, commodity, amount] for code, commodity, amount in postings),
        }
    )

    assert (
        content_digest(
            effective_date=day,
            description=description,
            cause=cause,
            reverses_id=reverses_id,
            postings=postings,
        )
        == expected
    )


@given(
    sequence=st.integers(min_value=1, max_value=2**63 - 1),
    key=text,
    posted_by_id=optional_id,
    moment=st.datetimes(timezones=st.just(timezone(timedelta(hours=8))) | st.just(UTC)),
    digests=st.tuples(text, text),
)
def test_chain_hash_is_the_sha256_of_canonical_json(sequence, key, posted_by_id, moment, digests):
    previous_hash, digest = digests
    expected = _json_sha256(
        {
            "sequence": sequence,
            "previous_hash": previous_hash,
            "idempotency_key": key,
            "posted_at": moment.astimezone(UTC).isoformat(timespec="microseconds"),
            "posted_by": posted_by_id,
            "content_digest": digest,
        }
    )

    assert (
        chain_hash(
            sequence=sequence,
            previous_hash=previous_hash,
            idempotency_key=key,
            posted_at=moment,
            posted_by_id=posted_by_id,
            content_digest=digest,
        )
        == expected
    )


def test_a_known_entry_keeps_its_digest():
    """Digests already in the books must not change: one computed before the rewrite."""
    digest = content_digest(
        effective_date=date(2026, 1, 15),
        description='黄山 "transfer"\n',
        cause="settlement:1",
        reverses_id=None,
        postings=[("fund:central", "CNY", -100), ("region:341000:cny", "CNY", 100)],
    )
    link = chain_hash(
        sequence=3,
        previous_hash="0" * 64,
        idempotency_key="k",
        posted_at=datetime(2026, 1, 15, 8, 0, tzinfo=UTC),
        posted_by_id=7,
        content_digest=digest,
    )

    assert (digest, link) == (EXPECTED_DIGEST, EXPECTED_LINK)
