"""A Xin'an programme with a verified 2024 valuation and one credit project: nothing issued yet."""

from tests.compensation.channels.conftest import DOWNSTREAM, UPSTREAM, credit_project, verified


def unissued_project(programme):
    valuation = verified(programme, 2024, {UPSTREAM: ("1000", "100"), DOWNSTREAM: ("0", "500")})
    return credit_project(valuation, tonnes="250.400")
