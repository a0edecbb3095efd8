"""50 clients post transfers and retry with the same idempotency keys while their database
connections are dropped under them: every transfer lands once, balances are exact."""

import random
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, InterfaceError, connection

from ledger.models import Account, JournalEntry
from ledger.services import open_account, post_entry
from ledger.verification import verify_ledger
from tests.conftest import committing
from tests.factories import transfer

pytestmark = [committing, pytest.mark.faults]

CLIENTS = 50
GROUPS = 10  # five clients share each group's keys, as a client and its retries would
TRANSFERS_PER_GROUP = 6
DROPS = 25
TRIES = 20


def amount(group: int, n: int) -> Decimal:
    return Decimal(100 * (group + 1) + n) / 100


class Clients:
    """The client threads' backend pids, so that another thread can terminate them."""

    def __init__(self):
        self.pids: set[int] = set()
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.attempts = 0
        self.failures = 0
        self.drops = 0
        self.mismatches: list[str] = []
        self.errors: list[str] = []

    def connect(self) -> int:
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        with self.lock:
            self.pids.add(pid)
        return pid

    def post(self, spec):
        """Post until it succeeds, reconnecting after a dropped connection."""
        for _ in range(TRIES):
            pid = self.connect()
            with self.lock:
                self.attempts += 1
            try:
                return post_entry(spec=spec)
            except (DatabaseError, InterfaceError):
                with self.lock:
                    self.failures += 1
                    self.pids.discard(pid)
                connection.close()
        raise AssertionError(f"{spec.idempotency_key} failed {TRIES} times")

    def client(self, number: int) -> None:
        group = number % GROUPS
        specs = {
            f"client-g{group}-{n}": transfer(
                f"client-g{group}-{n}", f"client:{group}", "client:bank", amount(group, n)
            )
            for n in range(TRANSFERS_PER_GROUP)
        }
        try:
            first = {key: self.post(spec).pk for key, spec in specs.items()}
            # The answer got lost, say: the client asks again and must get the same entry.
            for key, spec in specs.items():
                again = self.post(spec).pk
                if again != first[key]:
                    with self.lock:
                        self.mismatches.append(f"{key}: {first[key]} then {again}")
        except Exception as exc:  # reported to the test, which would not see a thread's error
            with self.lock:
                self.errors.append(f"client {number}: {exc!r}")
        finally:
            connection.close()

    def dropper(self) -> None:
        """Terminate a random client's connection every few milliseconds, DROPS times."""
        chooser = random.Random(12)  # noqa: S311 - picking victims, not secrets
        try:
            while self.drops < DROPS and not self.done.wait(0.02):
                with self.lock:
                    victims = sorted(self.pids)
                if not victims:
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [chooser.choice(victims)])
                    if cursor.fetchone()[0]:
                        self.drops += 1
        finally:
            connection.close()


def test_fifty_retrying_clients_with_dropped_connections_post_each_transfer_once(
    books, fault_tally
):
    open_account(code="client:bank", name="Bank", type="asset", commodity="CNY")
    for group in range(GROUPS):
        open_account(code=f"client:{group}", name=f"Client {group}", type="asset", commodity="CNY")
    clients = Clients()
    threads = [threading.Thread(target=clients.client, args=(n,)) for n in range(CLIENTS)]
    dropper = threading.Thread(target=clients.dropper)

    dropper.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clients.done.set()
    dropper.join()

    keys = GROUPS * TRANSFERS_PER_GROUP
    entries = JournalEntry.objects.filter(idempotency_key__startswith="client-")
    landed = entries.values("idempotency_key").distinct().count()
    fault_tally.record(
        faults={"dropped client connection": clients.drops},
        operations={"ledger posts by retrying clients": clients.attempts},
        lost=keys - landed,
        duplicated=entries.count() - landed + len(clients.mismatches),
    )
    assert clients.errors == []
    assert clients.drops > 0
    assert clients.attempts == 2 * CLIENTS * TRANSFERS_PER_GROUP + clients.failures
    assert clients.mismatches == []
    assert entries.count() == landed == keys
    balances = dict(Account.objects.values_list("code", "balance_minor"))
    for group in range(GROUPS):
        expected = sum(amount(group, n) for n in range(TRANSFERS_PER_GROUP))
        assert balances[f"client:{group}"] == int(expected * 100)
    assert balances["client:bank"] == -sum(
        int(amount(g, n) * 100) for g in range(GROUPS) for n in range(TRANSFERS_PER_GROUP)
    )
    result = verify_ledger()
    assert result.ok, result
    assert result.entries_checked == keys
