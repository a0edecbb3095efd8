import pytest

from ledger.exceptions import AccountConflict, InvalidAccount
from ledger.models import Account
from ledger.services import AccountSpec, open_account, open_accounts


def test_opening_is_idempotent_by_code(books):
    again = open_account(
        code="region:341000:cny",
        name="黄山市 receivable",
        type="asset",
        commodity="CNY",
        owner="region:341000",
    )

    assert again.pk == books["huangshan"].pk
    assert Account.objects.filter(code="region:341000:cny").count() == 1


def test_reopening_with_other_attributes_is_refused(books):
    with pytest.raises(AccountConflict, match="different commodity_id, non_negative"):
        open_account(
            code="region:341000:cny",
            name="黄山市 receivable",
            type="asset",
            commodity="tCO2e",
            owner="region:341000",
            non_negative=True,
        )


@pytest.mark.parametrize(
    ("type", "normal"),
    [
        ("asset", "debit"),
        ("expense", "debit"),
        ("liability", "credit"),
        ("equity", "credit"),
        ("income", "credit"),
    ],
)
def test_normal_balance_follows_the_type(db, type, normal):
    account = open_account(code=f"x:{type}", name=type, type=type, commodity="CNY")

    assert account.normal_balance == normal


def test_unknown_commodity_is_refused(db):
    with pytest.raises(InvalidAccount, match="Unknown commodity 'USD'"):
        open_account(code="x", name="x", type="asset", commodity="USD")


def test_child_must_share_the_parent_commodity(books):
    with pytest.raises(InvalidAccount, match="is in CNY, not tCO2e"):
        open_account(code="x", name="x", type="asset", commodity="tCO2e", parent="fund:central")


def test_child_account_hangs_under_its_parent(books):
    child = open_account(
        code="fund:central:2026", name="2026", type="asset", commodity="CNY", parent="fund:central"
    )

    assert child.parent == books["fund"]
    assert list(books["fund"].children.all()) == [child]


def test_unknown_account_type_is_refused(db):
    with pytest.raises(InvalidAccount, match=r"Account x: .*'cash'"):
        open_account(code="x", name="x", type="cash", commodity="CNY", normal_balance="debit")


def test_open_accounts_opens_many_at_once_and_checks_existing_ones(db):
    specs = [
        AccountSpec(f"bulk:{i}", f"bulk {i}", "asset", "CNY", non_negative=i % 2 == 0)
        for i in range(50)
    ]

    opened = open_accounts(specs)
    again = open_accounts(specs)

    assert len(opened) == 50 and {a.pk for a in again.values()} == {a.pk for a in opened.values()}
    assert opened["bulk:0"].non_negative and not opened["bulk:1"].non_negative
    assert opened["bulk:0"].normal_balance == "debit"
    with pytest.raises(
        AccountConflict, match="bulk:3 already exists with different normal_balance, type"
    ):
        open_accounts([AccountSpec("bulk:3", "bulk 3", "liability", "CNY"), specs[4]])
    with pytest.raises(InvalidAccount, match="Unknown commodity"):
        open_accounts([AccountSpec("bulk:x", "x", "asset", "USD")])
    assert not Account.objects.filter(code="bulk:x").exists()


def test_an_unknown_normal_balance_is_refused(db):
    with pytest.raises(InvalidAccount, match=r"Account x: .*'left'"):
        open_account(code="x", name="x", type="asset", commodity="CNY", normal_balance="left")


def test_the_account_check_constraints_restate_the_field_choices():
    # open_accounts checks choices per row and leaves the check constraints, which cost
    # a query each, to the database: this holds only while they say the same.
    for constraint in Account._meta.constraints:
        ((lookup, values),) = constraint.condition.children
        field = Account._meta.get_field(lookup.removesuffix("__in"))
        assert lookup.endswith("__in")
        assert sorted(values) == sorted(value for value, _label in field.choices)
