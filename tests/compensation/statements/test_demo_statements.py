"""The demo pilot's statements, as `make demo` issues them, read back with pdftotext."""

from decimal import Decimal

from compensation.demo import demo_methodology_version, load_channel_demo, settle_demo
from compensation.models import Statement
from compensation.statements.verify import pdf_text, verify_file
from compensation.valuation import valuate
from config.roles import ECOLOGY, FINANCE
from pilots.demo import load_xinan_demo
from pilots.regions import load_regions
from tests.factories import UserFactory


def test_demo_statements_name_the_region_totals_and_digest(db):
    load_regions(prefixes=["340000", "3410", "330000", "330100", "330127"])
    programme = load_xinan_demo()
    version = demo_methodology_version()
    valuation = valuate(programme=programme, year=2024, methodology_version=version, market="CEA")
    load_channel_demo(
        valuation,
        requester=UserFactory(username="ecologist", group=ECOLOGY),
        approver=UserFactory(username="checks", group=ECOLOGY),
    )

    run = settle_demo(
        programme,
        maker=UserFactory(username="maker", group=FINANCE),
        checker=UserFactory(username="checker", group=FINANCE),
    )

    assert run.status == "statements"
    upstream = Statement.objects.get(run=run, region__code="341000")
    text = pdf_text(upstream.pdf.open("rb").read())
    closing = upstream.data["balances"]["closing"]
    assert "黄山市（341000）" in text
    assert "新安江流域生态保护补偿试点（演示）" in text
    assert f"{Decimal(closing):,}" in text
    assert upstream.digest in text.replace("\n", "")
    assert upstream.ledger_hash in text.replace("\n", "")
    assert verify_file("demo.pdf", upstream.pdf.open("rb").read()).matches
