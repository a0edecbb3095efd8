"""Changing the books: opening accounts, posting entries (one or thousands), reversing.

Every posting transaction first locks the chain head row, so entries get
consecutive sequence numbers and one well-defined hash chain however many
workers post at once; the database then locks the touched accounts in id
order and enforces balance, immutability and non-negative balances itself.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ledger import storage
from ledger.amounts import as_decimal, from_minor, to_minor
from ledger.dberrors import translated_database_errors
from ledger.exceptions import (
    AccountConflict,
    AlreadyReversed,
    IdempotencyConflict,
    InvalidAccount,
    InvalidEntry,
    UnbalancedEntry,
)
from ledger.hashing import chain_hash, content_digest
from ledger.models import Account, Commodity, JournalEntry

DEBIT_NORMAL_TYPES = {Account.Type.ASSET, Account.Type.EXPENSE}


@dataclass(frozen=True)
class Leg:
    """One line of an entry to post: account code and signed amount (debit positive)."""

    account: str
    amount: Decimal

    @classmethod
    def debit(cls, account: str, amount) -> "Leg":
        return cls(account, as_decimal(amount))

    @classmethod
    def credit(cls, account: str, amount) -> "Leg":
        return cls(account, -as_decimal(amount))


@dataclass(frozen=True)
class EntrySpec:
    """An entry to post. `cause` is an opaque reference to what produced it."""

    idempotency_key: str
    effective_date: date
    description: str
    legs: Sequence[Leg]
    cause: str = ""
    reverses_id: int | None = field(default=None, compare=False)


def open_account(
    *,
    code: str,
    name: str,
    type: str,
    commodity: str,
    owner: str = "",
    parent: str | None = None,
    non_negative: bool = False,
    normal_balance: str | None = None,
) -> Account:
    """Open an account, or return it unchanged if it exists with the same attributes."""
    spec = AccountSpec(code, name, type, commodity, owner, parent, non_negative, normal_balance)
    return open_accounts([spec])[code]


@dataclass(frozen=True)
class AccountSpec:
    """An account to open: what open_account takes, as a value."""

    code: str
    name: str
    type: str
    commodity: str
    owner: str = ""
    parent: str | None = None
    non_negative: bool = False
    normal_balance: str | None = None


def open_accounts(specs: Sequence[AccountSpec]) -> dict[str, Account]:
    """Open many accounts in a few queries, however many; existing ones are returned if
    they match (dict code -> Account).

    Each account is validated as open_account would (InvalidAccount: unknown commodity
    or parent, a value a field refuses); an account that exists with other attributes
    is an AccountConflict, and nothing is opened.
    """
    specs = list({spec.code: spec for spec in specs}.values())
    with transaction.atomic():
        commodities = set(Commodity.objects.values_list("code", flat=True))
        parents = {
            a.code: a
            for a in Account.objects.filter(code__in={s.parent for s in specs if s.parent})
        }
        wanted = {spec.code: _wanted(spec, commodities, parents) for spec in specs}
        existing = {a.code: a for a in Account.objects.filter(code__in=wanted)}
        new = []
        for code, attributes in wanted.items():
            if code in existing:
                continue
            account = Account(code=code, **attributes)
            try:
                # Per row, only what needs no query: _wanted checked commodity and parent
                # against the sets read above, and the check constraints restate the
                # choices clean_fields checks (test_accounts holds them to it). Full
                # validation cost seven queries an account: 96% of a national post.
                account.full_clean(
                    exclude=["commodity", "parent"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                raise InvalidAccount(f"Account {code}: {'; '.join(exc.messages)}") from None
            new.append(account)
        if new:
            Account.objects.bulk_create(new, ignore_conflicts=True)
            existing |= {a.code: a for a in Account.objects.filter(code__in=[a.code for a in new])}
        for code, attributes in wanted.items():
            differences = sorted(
                k for k, v in attributes.items() if getattr(existing[code], k) != v
            )
            if differences:
                raise AccountConflict(
                    f"Account {code} already exists with different {', '.join(differences)}."
                )
        return existing


def _wanted(spec: AccountSpec, commodities, parents) -> dict:
    if spec.commodity not in commodities:
        raise InvalidAccount(f"Unknown commodity {spec.commodity!r}: use CNY or tCO2e.")
    parent_id = None
    if spec.parent is not None:
        parent = parents.get(spec.parent)
        if parent is None:
            raise InvalidAccount(f"Parent account {spec.parent!r} does not exist; open it first.")
        if parent.commodity_id != spec.commodity:
            raise InvalidAccount(
                f"Parent account {spec.parent} is in {parent.commodity_id}, not {spec.commodity}."
            )
        parent_id = parent.id
    return {
        "name": spec.name,
        "type": spec.type,
        "commodity_id": spec.commodity,
        "owner": spec.owner,
        "non_negative": spec.non_negative,
        "normal_balance": spec.normal_balance
        or (
            Account.NormalBalance.DEBIT
            if spec.type in DEBIT_NORMAL_TYPES
            else Account.NormalBalance.CREDIT
        ),
        "parent_id": parent_id,
    }


def post_entry(*, spec: EntrySpec, posted_by=None) -> JournalEntry:
    """Post one entry; the same idempotency key and content returns the first entry."""
    return post_entries(specs=[spec], posted_by=posted_by)[0]


def post_entries(*, specs: Sequence[EntrySpec], posted_by=None) -> list[JournalEntry]:
    """Post many entries in one transaction: all or none. Returns them in the given order.

    Entries whose idempotency key was already posted with the same content are
    returned as they are and not posted again.
    """
    if not specs:
        return []
    nested = connection.in_atomic_block
    with translated_database_errors(), transaction.atomic():
        (last_sequence, last_hash), accounts, posted = _lock_and_look_up(specs)
        prepared = [_prepare(spec, accounts) for spec in specs]
        existing = _already_posted(prepared, posted)
        posted_at = timezone.now()
        posted_by_id = posted_by.pk if posted_by else None
        new_entries, new_postings, new_keys = [], [], set()
        for spec, digest, rows in prepared:
            if spec.idempotency_key in existing or spec.idempotency_key in new_keys:
                continue
            new_keys.add(spec.idempotency_key)
            last_sequence += 1
            previous_hash, last_hash = (
                last_hash,
                chain_hash(
                    sequence=last_sequence,
                    previous_hash=last_hash,
                    idempotency_key=spec.idempotency_key,
                    posted_at=posted_at,
                    posted_by_id=posted_by_id,
                    content_digest=digest,
                ),
            )
            new_entries.append(
                (
                    last_sequence,
                    spec.idempotency_key,
                    spec.effective_date,
                    spec.description,
                    spec.cause,
                    posted_at,
                    posted_by_id,
                    spec.reverses_id,
                    digest,
                    previous_hash,
                    last_hash,
                )
            )
            new_postings.extend((last_sequence, *row) for row in rows)
        if new_entries:
            ids = storage.insert(new_entries, new_postings)
            storage.seal(first_sequence=new_entries[0][0], last_sequence=last_sequence)
            if nested:
                storage.check_deferred_now()
            # Positional: ENTRY_COLUMNS are the model's fields between id and sealed.
            existing |= {row[1]: JournalEntry(ids[row[0]], *row, True) for row in new_entries}
    return [existing[spec.idempotency_key] for spec in specs]


def reverse_entry(
    *,
    entry: JournalEntry,
    idempotency_key: str,
    posted_by=None,
    effective_date: date | None = None,
    description: str = "",
) -> JournalEntry:
    """Correct an entry by posting its mirror image; an entry is reversed at most once."""
    legs = [
        Leg(code, from_minor(-amount, decimal_places=places))
        for code, amount, places in entry.postings.values_list(
            "account__code", "amount_minor", "commodity__decimal_places"
        )
    ]
    spec = EntrySpec(
        idempotency_key=idempotency_key,
        effective_date=effective_date or entry.effective_date,
        description=description or f"Reversal of entry #{entry.sequence}: {entry.description}",
        legs=legs,
        cause=f"reversal:{entry.sequence}",
        reverses_id=entry.id,
    )
    with transaction.atomic():
        storage.lock_chain_head()
        earlier = JournalEntry.objects.filter(reverses=entry).first()
        if earlier is not None and earlier.idempotency_key != idempotency_key:
            raise AlreadyReversed(
                f"Entry #{entry.sequence} was already reversed by entry #{earlier.sequence}."
            )
        return post_entry(spec=spec, posted_by=posted_by)


def _lock_and_look_up(specs):
    codes = {leg.account for spec in specs for leg in spec.legs}
    head, accounts, posted = storage.lock_and_look_up(
        codes=codes, keys={spec.idempotency_key for spec in specs}
    )
    missing = sorted(codes - accounts.keys())
    if missing:
        raise InvalidEntry(f"Unknown account(s): {', '.join(missing)}. Open them first.")
    return head, accounts, posted


def _prepare(spec: EntrySpec, accounts) -> tuple[EntrySpec, str, list[tuple[int, str, int]]]:
    """Validate one entry and return it with its content digest and posting rows."""
    if not spec.idempotency_key:
        raise InvalidEntry("Every entry needs an idempotency key.")
    if type(spec.effective_date) is not date:
        raise InvalidEntry(
            f"Entry {spec.idempotency_key}: effective date must be a date, "
            f"not {type(spec.effective_date).__name__}."
        )
    for name, value in (
        ("idempotency_key", spec.idempotency_key),
        ("description", spec.description),
        ("cause", spec.cause),
    ):
        limit = JournalEntry._meta.get_field(name).max_length
        if len(value) > limit:
            raise InvalidEntry(
                f"Entry {spec.idempotency_key[:40]}: {name} is longer than {limit} characters."
            )
    if not spec.description.strip():
        raise InvalidEntry(f"Entry {spec.idempotency_key}: a description is required.")
    if len(spec.legs) < 2:
        raise InvalidEntry(
            f"Entry {spec.idempotency_key} has {len(spec.legs)} posting(s); "
            "a journal entry needs at least two."
        )
    rows, totals = [], defaultdict(int)
    for leg in spec.legs:
        account = accounts[leg.account]
        amount = to_minor(leg.amount, decimal_places=account.decimal_places)
        if amount == 0:
            raise InvalidEntry(f"Entry {spec.idempotency_key}: posting to {leg.account} is zero.")
        rows.append((account.id, account.commodity, amount))
        totals[account.commodity] += amount
    unbalanced = {commodity: total for commodity, total in totals.items() if total}
    if unbalanced:
        raise UnbalancedEntry(
            f"Entry {spec.idempotency_key} does not balance: "
            + ", ".join(f"{c} off by {t} minor units" for c, t in sorted(unbalanced.items()))
        )
    digest = content_digest(
        effective_date=spec.effective_date,
        description=spec.description,
        cause=spec.cause,
        reverses_id=spec.reverses_id,
        postings=[
            (leg.account, accounts[leg.account].commodity, amount)
            for leg, (_, _, amount) in zip(spec.legs, rows, strict=True)
        ],
    )
    return spec, digest, rows


def _already_posted(prepared, posted) -> dict[str, JournalEntry]:
    """Entries already posted under these keys; a key reused with other content is refused."""
    digests: dict[str, str] = {}
    for spec, digest, _ in prepared:
        if digests.setdefault(spec.idempotency_key, digest) != digest:
            raise IdempotencyConflict(
                f"Idempotency key {spec.idempotency_key!r} appears twice with different content."
            )
    for key, (_, digest) in posted.items():
        if digest != digests[key]:
            sequence = JournalEntry.objects.get(idempotency_key=key).sequence
            raise IdempotencyConflict(
                f"Idempotency key {key!r} was used for entry #{sequence} with different "
                "content; use a new key for a different entry."
            )
    if not posted:
        return {}
    return {
        e.idempotency_key: e
        for e in JournalEntry.objects.filter(id__in=[pk for pk, _ in posted.values()])
    }
