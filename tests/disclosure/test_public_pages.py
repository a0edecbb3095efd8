"""The public side, walked anonymously: every page and file answers, in Chinese by default,
and nothing unreleased, withdrawn, personal or below the region is in any of them."""

import hashlib
import io
import re
import uuid
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from compensation import credits
from compensation.models import Agreement, CreditBlock, CreditHolder, CreditOperation, Statement
from disclosure.models import Release
from disclosure.tables import TABLES
from pilots.models import PilotMembership, PilotProgramme, Region
from tests.factories import release

pytestmark = pytest.mark.django_db
Kind = Release.Kind
HREF = re.compile(r'href="([^"#]+)')
SECRET_PILOT = "未公开的另一试点"


def _text(response) -> str:
    """A response's text: HTML, CSV, JSON or Atom as decoded, XLSX as its cells' values."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return response.content.decode("utf-8-sig")


def walk(client, *seeds) -> dict[str, object]:
    """Every /public/ URL reachable from the index (and `seeds`) by links, in both languages,
    with its response."""
    queue = [reverse("disclosure:index"), reverse("disclosure:feed"), *seeds]
    seen = {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for href in HREF.findall(response.content.decode()):
            target = urljoin(url, href.replace("&amp;", "&"))
            if urlsplit(target).path.startswith("/public/") and target not in seen:
                queue.append(target)
    return seen


@pytest.fixture
def everything(public_world, officials):
    """The pilot, its run and its agreement released; another pilot with nothing released."""
    run = public_world["run"]
    agreement = Agreement.objects.get(programme=run.programme)
    public_world["agreement_release"] = release(
        officials, Kind.AGREEMENT, run.programme, agreement=agreement
    )
    other = PilotProgramme.objects.create(
        name=SECRET_PILOT, start_date="2024-01-01", end_date="2026-12-31"
    )
    PilotMembership.objects.create(programme=other, region=Region.objects.get(code="330127"))
    public_world["secret_pilot"] = other
    return public_world


def _sold_serial() -> str:
    buyer = CreditHolder.objects.get(kind=CreditHolder.Kind.BUYER)
    return CreditBlock.objects.filter(holder=buyer).select_related("batch__project")[0].serial


def test_every_public_page_and_file_answers_anonymously_in_chinese(everything):
    client = Client(enforce_csrf_checks=True)
    serial = _sold_serial()

    pages = walk(client, f"{reverse('disclosure:credits')}?serial={serial}")

    failed = {url: r.status_code for url, r in pages.items() if r.status_code != 200}
    assert failed == {}
    releases = [everything[k] for k in ("pilot_release", "run_release", "agreement_release")]
    expected = {reverse("disclosure:release_content", args=[r.pk]) for r in releases}
    expected |= {
        reverse("disclosure:release_table", args=[r.pk, table, fmt])
        for r in releases
        for table in TABLES[r.kind]
        for fmt in ("csv", "xlsx", "json")
    }
    expected |= {reverse("disclosure:log_file", args=[fmt]) for fmt in ("csv", "xlsx", "json")}
    expected |= {
        reverse("disclosure:pilot", args=[everything["run"].programme_id]),
        reverse("disclosure:run", args=[everything["run"].pk]),
        reverse("disclosure:agreement", args=[releases[2].agreement_id]),
        reverse("disclosure:credits"),
        reverse("disclosure:verify"),
        reverse("disclosure:log"),
    }
    assert expected <= set(pages)
    html = {u: r for u, r in pages.items() if r["Content-Type"].startswith("text/html")}
    for url, response in html.items():
        body = response.content.decode()
        english = "lang=en" in url
        assert f'<html lang="{"en" if english else "zh-hans"}">' in body, url
        assert ("Tanhui public disclosure" if english else "碳汇生态保护补偿信息公开") in body, url
        assert "Set-Cookie" not in response and "csrfmiddlewaretoken" not in body, url
    assert "净碳收支" in _text(pages[reverse("disclosure:pilot", args=[releases[0].programme_id])])
    assert "买方" in _text(pages[f"{reverse('disclosure:credits')}?serial={serial}"])


def test_a_release_file_is_its_content_and_the_log_gives_its_sha256(everything):
    client = Client()
    run_release = everything["run_release"]

    content = client.get(reverse("disclosure:release_content", args=[run_release.pk]))
    log = client.get(reverse("disclosure:log_file", args=["csv"]))

    assert hashlib.sha256(content.content).hexdigest() == run_release.sha256
    assert run_release.sha256 in log.content.decode("utf-8-sig")
    assert f"{run_release.pk},".encode() in log.content


def _forbidden(world) -> dict[str, str]:
    """Strings no public page or file may hold, and why."""
    forbidden = {name: "user name" for name in User.objects.values_list("username", flat=True)}
    for holder in CreditHolder.objects.filter(kind=CreditHolder.Kind.BUYER):
        forbidden[holder.name] = "credit buyer (below the region)"
    forbidden[SECRET_PILOT] = "another pilot, unreleased"
    return forbidden


def _assert_none_in(pages, forbidden):
    found = [
        (url, text, why)
        for url, response in pages.items()
        for text, why in forbidden.items()
        if text in _text(response)
    ]
    assert found == []


def test_no_user_name_buyer_or_unreleased_pilot_is_in_any_public_page_or_file(everything):
    pages = walk(Client(), f"{reverse('disclosure:credits')}?serial={_sold_serial()}")

    assert len(pages) > 40
    _assert_none_in(pages, _forbidden(everything))


def _run_traces(run) -> dict[str, str]:
    digests = Statement.objects.filter(run=run).exclude(digest="").values_list("digest", flat=True)
    assert digests
    return {d: "statement digest of an unpublished run" for d in digests}


def test_an_unreleased_run_is_in_no_public_page_or_file(rendered, officials):
    run = rendered["run"]
    release(officials, Kind.PILOT, run.programme)
    release(officials, Kind.AGREEMENT, run.programme, agreement=Agreement.objects.get())

    pages = walk(Client())

    assert client_status(reverse("disclosure:run", args=[run.pk])) == 404
    _assert_none_in(pages, {**_run_traces(run), **_forbidden(rendered)})


def test_a_withdrawn_release_is_in_no_public_page_or_file(everything, officials):
    run = everything["run"]
    withdrawn = everything["run_release"]
    before = walk(Client())
    assert any(digest in _text(r) for r in before.values() for digest in _run_traces(run))

    release(officials, Kind.RUN, run.programme, run=run, action=Release.Action.WITHDRAW)
    pages = walk(Client())

    assert client_status(reverse("disclosure:run", args=[run.pk])) == 404
    for table in TABLES[Kind.RUN]:
        url = reverse("disclosure:release_table", args=[withdrawn.pk, table, "csv"])
        assert client_status(url) == 404, url
    assert client_status(reverse("disclosure:release_content", args=[withdrawn.pk])) == 404
    _assert_none_in(pages, {**_run_traces(run), **_forbidden(everything)})


def client_status(url) -> int:
    return Client().get(url).status_code


def test_pages_are_in_english_when_asked(everything):
    run = everything["run"]

    page = Client().get(reverse("disclosure:run", args=[run.pk]), {"lang": "en"})

    body = page.content.decode()
    assert page["Content-Language"] == "en"
    assert "Net amounts per region and channel (CNY)" in body
    assert "各地区各渠道净额" not in body


def test_reads_carry_an_etag_and_cache_control_and_answer_304(everything):
    client = Client()
    url = reverse("disclosure:run", args=[everything["run"].pk])

    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert again.status_code == 304


def test_a_new_release_changes_the_pages_etag(public_world, officials):
    client = Client()
    url = reverse("disclosure:index")
    first = client.get(url)

    release(
        officials, Kind.AGREEMENT, public_world["run"].programme, agreement=Agreement.objects.get()
    )
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_too_many_requests_from_one_address_get_429_in_chinese(settings, db):
    settings.PUBLIC_RATE_LIMIT = "3/minute"
    address = f"2001:db8::{uuid.uuid4().hex[:4]}"
    client = Client(REMOTE_ADDR=address)

    answers = [client.get(reverse("disclosure:index")).status_code for _ in range(4)]
    refused = client.get(reverse("disclosure:log"))
    elsewhere = Client(REMOTE_ADDR=f"{address}1").get(reverse("disclosure:index"))

    assert answers == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.content.decode()
    assert int(refused["Retry-After"]) >= 1
    assert elsewhere.status_code == 200


def test_the_feed_lists_every_act_with_its_office_and_sha256(everything):
    feed = Client().get(reverse("disclosure:feed"))

    body = feed.content.decode()
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert body.count("<entry>") == 3
    assert everything["run_release"].sha256 in body
    assert "财政部门" in body


def test_an_unknown_or_unreleased_target_is_not_found(everything):
    secret = everything["secret_pilot"]

    assert client_status(reverse("disclosure:pilot", args=[secret.pk])) == 404
    assert client_status(reverse("disclosure:run", args=[10**9])) == 404
    assert client_status(reverse("disclosure:release_table", args=[10**9, "regions", "csv"])) == 404
    assert (
        client_status(
            reverse("disclosure:release_table", args=[everything["run_release"].pk, "nope", "csv"])
        )
        == 404
    )


def test_a_retirement_shows_its_beneficiary_only_where_the_holder_published_it(everything):
    buyer = CreditHolder.objects.get(kind=CreditHolder.Kind.BUYER)
    block = CreditBlock.objects.filter(holder=buyer, status=CreditBlock.Status.ACTIVE)[0]
    batch, first = block.batch, block.first_unit
    for offset, beneficiary, published in ((0, "公开受益方甲", True), (2, "保密受益方乙", False)):
        credits.retire_units(
            units=credits.UnitRange(batch, first + offset, first + offset + 1),
            holder=buyer,
            beneficiary=beneficiary,
            publish_beneficiary=published,
            reason="自愿抵销",
            key=f"public-retirement-{offset}",
            on=date(2025, 1, 15),
        )
    retired = CreditBlock.objects.filter(holder=buyer, status=CreditBlock.Status.RETIRED)
    published_url, private_url = (
        f"{reverse('disclosure:credits')}?serial={b.serial}" for b in retired.order_by("first_unit")
    )

    pages = walk(Client(), published_url, private_url)

    assert "公开受益方甲" in _text(pages[published_url])
    assert "持有人未公开" in _text(pages[private_url])
    _assert_none_in(pages, {"保密受益方乙": "beneficiary the holder did not publish"})


def test_only_a_named_retirement_can_publish_its_beneficiary(everything):
    sale = CreditOperation.objects.filter(kind=CreditOperation.Kind.SELL)[0]

    with (
        pytest.raises(IntegrityError, match="compensation_published_beneficiary_retired"),
        transaction.atomic(),
    ):
        CreditOperation.objects.create(
            kind=CreditOperation.Kind.TRANSFER,
            batch=sale.batch,
            first_unit=sale.first_unit,
            last_unit=sale.first_unit,
            date=sale.date,
            beneficiary_published=True,
            idempotency_key="published-transfer",
        )
