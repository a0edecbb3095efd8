"""The account-code format is read in one place: accounts.ref_for and accounts.party_of."""

import pytest

from compensation import accounts

CHANNEL = sorted(accounts.CHANNELS)[0]


@pytest.mark.parametrize(
    ("ref", "party"),
    [
        (accounts.region_cny("330100", CHANNEL), ("region", "330100")),
        (accounts.central_cny(CHANNEL), ("central", "")),
        (accounts.agreement_fund(17), ("agreement", "17")),
        (accounts.holder_cny(5), ("holder", "5")),
        (accounts.sink("330100", 2024, "available"), ("region", "330100")),
    ],
)
def test_party_of_reads_back_the_owner_every_constructor_writes(ref, party):
    assert accounts.party_of(ref.code) == party
    assert accounts.ref_for(ref.code) == ref


@pytest.mark.parametrize("code", ["", "cny", "cny:region:330100:nochannel", "usd:central:x"])
def test_a_code_compensation_does_not_book_into_is_refused(code):
    with pytest.raises(ValueError, match="not an account compensation books into"):
        accounts.party_of(code)
