"""The bad-input corpus and 100 MB files through the web's upload pages and the commands:
each gets a 400 or a command error that names the problem, nothing is stored, and the
server goes on serving (a follow-up request over HTTP succeeds)."""

import html
import http.client
import json
from datetime import date
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    MonitoringRecord,
    Statement,
)
from config.roles import OPERATOR
from pilots.models import ImportBatch, LandCover, OperatorAssignment, PlanningVersion, Region, Zone
from tests.conftest import committing
from tests.factories import DOWNSTREAM, UPSTREAM, UserFactory
from tests.inputs import ALL_FILES, BAD_INPUTS, HOSTILE_NAMES, ZONE_REFUSALS, corpus

HUNDRED_MB = 100 * 1024 * 1024
SPATIAL = "/admin/pilots/importbatch/upload/"
VERIFY = "/admin/compensation/statement/verify/"


def stored(pilot) -> dict[str, int]:
    """Everything an upload could write, counted; a refused one must change none of it."""
    return {
        "zones": Zone.objects.count(),
        "land cover": LandCover.objects.count(),
        "accepted batches": ImportBatch.objects.filter(status="accepted").count(),
        "monitoring": MonitoringRecord.objects.count(),
        "agreements": Agreement.objects.filter(programme=pilot).count(),
        "rounds": AgreementRound.objects.count(),
        "statements": Statement.objects.count(),
    }


def partial(before: dict, after: dict) -> int:
    return sum(abs(after[k] - before[k]) for k in before)


def upload_bad_file(client, url, fields, upload_world, fault_tally):
    """Post a bad file, then ask for the page again; count both for the fault summary.

    Returns the response, the stored rows before and after, and the follow-up response.
    """
    before = stored(upload_world["programme"])
    response = client.post(url, fields, headers={"accept-language": "en"})
    after = stored(upload_world["programme"])
    follow_up = client.get(url)
    fault_tally.record(
        faults={"bad input file": 1},
        operations={"uploads": 2},
        lost=int(follow_up.status_code != 200),
        partial=partial(before, after),
    )
    return response, before, after, follow_up


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def upload_world(programme):
    """The Xin'an pilot with its agreement, an operator of the upstream region, a plan."""
    agreement = Agreement.objects.create(
        programme=programme, name="新安江", rule=Agreement.Rule.WATER_QUALITY
    )
    upstream = Region.objects.get(code=UPSTREAM)
    AgreementParty.objects.create(
        agreement=agreement, region=upstream, side="upstream", section="街口"
    )
    AgreementParty.objects.create(
        agreement=agreement, region=Region.objects.get(code=DOWNSTREAM), side="downstream"
    )
    operator = UserFactory(username="operator", group=OPERATOR)
    OperatorAssignment.objects.create(user=operator, region=upstream)
    plan = PlanningVersion.objects.create(
        region=upstream, name="规划", version=7, effective_from=date(2021, 1, 1)
    )
    return {
        "programme": programme,
        "agreement": agreement,
        "operator": operator,
        "own": UPSTREAM,
        "plan": plan,
    }


@pytest.mark.parametrize("file_name", [f for f in ALL_FILES if f != HOSTILE_NAMES])
def test_each_bad_file_through_the_upload_page_gets_400_and_stores_nothing(
    admin_client, upload_world, file_name, fault_tally
):
    name, data = corpus(file_name)
    _, words = ZONE_REFUSALS[file_name]
    plan = upload_world["plan"].pk

    response, before, after, follow_up = upload_bad_file(
        admin_client,
        SPATIAL,
        {"file": SimpleUploadedFile(name, data), "kind": "zones", "planning_version": plan},
        upload_world,
        fault_tally,
    )

    assert response.status_code == 400
    assert "The file was rejected; nothing was imported." in page_text(response)
    assert words in page_text(response)
    assert after == before
    assert follow_up.status_code == 200


@pytest.mark.parametrize("file_name", ALL_FILES)
def test_each_bad_file_through_the_monitoring_page_gets_400_and_stores_nothing(
    client, upload_world, file_name, fault_tally
):
    client.force_login(upload_world["operator"])
    url = reverse("portal:monitoring", args=[upload_world["own"]])
    agreement = upload_world["agreement"]
    name, data = corpus(file_name)

    response, before, after, follow_up = upload_bad_file(
        client,
        url,
        {"agreement": agreement.pk, "file": SimpleUploadedFile(name, data)},
        upload_world,
        fault_tally,
    )

    assert response.status_code == 400
    expected = (
        "the annual mean -1.2 is negative"
        if file_name == "negative_concentration.csv"
        else "is not monitoring data"
    )
    assert expected in page_text(response)
    assert after == before
    assert follow_up.status_code == 200


def test_hostile_names_are_stored_as_text_and_shown_escaped(admin_client, upload_world):
    name, data = corpus(HOSTILE_NAMES)
    plan = upload_world["plan"].pk

    response = admin_client.post(
        SPATIAL,
        {"file": SimpleUploadedFile(name, data), "kind": "zones", "planning_version": plan},
    )
    page = admin_client.get(response["Location"]).content.decode()
    region_page = admin_client.get(reverse("portal:region", args=[UPSTREAM])).content.decode()

    assert response.status_code == 302
    assert Zone.objects.get(planning_version=plan).name == (
        "<script>alert(1)</script>'; DROP TABLE pilots_zone; --"
    )
    assert "<script>alert(1)</script>" not in page
    assert "<script>alert(1)</script>" not in region_page


AGREEMENT = {
    "name": "越界参数",
    "rule": "water-quality",
    "parties": [
        {"region": UPSTREAM, "side": "upstream", "section": "街口"},
        {"region": DOWNSTREAM, "side": "downstream"},
    ],
    "rounds": [
        {
            "name": "第四轮",
            "start_year": 2027,
            "end_year": 2029,
            "amount": "100000000.00",
            "k0": "0.90",
            "weights": [{"pollutant": "TP", "weight": "1", "baseline_mg_l": "0.021"}],
        }
    ],
}


@pytest.mark.faults
@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"k0": "1.5"}, "k0 1.5 is outside 0 < K0 ≤ 1"),
        ({"k0": "-0.2"}, "k0 -0.2 is outside 0 < K0 ≤ 1"),
        ({"k0": "123456"}, "k0 123456 is outside 0 < K0 ≤ 1"),
        ({"amount": "-5000.00"}, "round amount -5000.00 must be zero or more"),
        ({"central_top_up": "-1"}, "central top-up -1 must be zero or more"),
        ({"start_year": 2030}, "a round ends (2029) before it starts (2030)"),
    ],
)
def test_formula_parameters_out_of_range_and_negative_amounts_are_command_errors(
    upload_world, tmp_path, change, words, fault_tally
):
    pilot = upload_world["programme"]
    document = json.loads(json.dumps(AGREEMENT))
    document["rounds"][0].update(change)
    path = tmp_path / "agreement.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    before = stored(pilot)

    with pytest.raises(CommandError) as refused:
        call_command("import_agreement", str(path), programme=pilot.pk)

    after = stored(pilot)
    fault_tally.record(
        faults={"bad parameter": 1}, operations={"commands": 1}, partial=partial(before, after)
    )
    assert words in str(refused.value)
    assert after == before


@committing
@pytest.mark.faults
def test_hundred_megabyte_uploads_get_400_and_the_server_goes_on(
    live_server, upload_world, admin_user, client, fault_tally
):
    """Over real HTTP: each page refuses a 100 MB file; the next request is answered."""
    client.force_login(admin_user)
    session = client.cookies["sessionid"].value
    agreement = upload_world["agreement"]
    http_client = Browser(live_server.url, session)
    cases = [
        (
            SPATIAL,
            {"kind": "zones", "planning_version": upload_world["plan"].pk},
            "huge.geojson",
            "is not valid JSON",
        ),
        (
            reverse("portal:monitoring", args=[UPSTREAM]),
            {"agreement": agreement.pk},
            "huge.csv",
            "The file is larger than 5 MB.",
        ),
        (VERIFY, {}, "huge.pdf", "The file is larger than 20 MB; it is not a statement."),
    ]
    before = stored(upload_world["programme"])
    statuses, pages, follow_ups = [], [], []

    for path, fields, name, _ in cases:
        status, page = http_client.upload(path, fields, name, b"{" * HUNDRED_MB)
        statuses.append(status)
        pages.append(page)
        follow_ups.append(http_client.get(path)[0])

    after = stored(upload_world["programme"])
    fault_tally.record(
        faults={"100 MB upload": len(cases)},
        operations={"uploads": 2 * len(cases)},
        lost=sum(status != 200 for status in follow_ups),
        partial=partial(before, after),
    )
    assert statuses == [400, 400, 400]
    for page, (_, _, _, words) in zip(pages, cases, strict=True):
        assert words in page
    assert after == before
    assert follow_ups == [200, 200, 200]


class Browser:
    """A logged-in client over HTTP: session cookie, CSRF token from the page, multipart."""

    BOUNDARY = "tanhui-hostile-upload"

    def __init__(self, url: str, session: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {"sessionid": session, "django_language": "en"}

    def request(self, method, path, body=None, headers=None) -> tuple[int, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    self.cookies[key] = morsel.value
            return response.status, html.unescape(response.read().decode(errors="replace"))
        finally:
            conn.close()

    def get(self, path) -> tuple[int, str]:
        return self.request("GET", path)

    def upload(self, path, fields, name, data) -> tuple[int, str]:
        self.get(path)  # sets the CSRF cookie
        token = self.cookies["csrftoken"]
        head = b"".join(
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
            for key, value in {"csrfmiddlewaretoken": token, **fields}.items()
        )
        file_head = (
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        body = head + file_head + data + f"\r\n--{self.BOUNDARY}--\r\n".encode()
        return self.request(
            "POST",
            path,
            body,
            {
                "Content-Type": f"multipart/form-data; boundary={self.BOUNDARY}",
                "X-CSRFToken": token,
            },
        )


@pytest.mark.faults
def test_commands_refuse_bad_files_with_an_error_and_store_nothing(upload_world, fault_tally):
    before = stored(upload_world["programme"])
    plan = upload_world["plan"].pk
    errors = []
    for file_name in ("truncated.geojson", "bowtie_self_intersecting.geojson"):
        with pytest.raises(CommandError) as refused:
            call_command("import_zones", str(BAD_INPUTS / file_name), planning_version=plan)
        errors.append(str(refused.value))

    after = stored(upload_world["programme"])
    fault_tally.record(
        faults={"bad input file": 2}, operations={"commands": 2}, partial=partial(before, after)
    )
    assert "not valid JSON" in errors[0]
    assert "invalid geometry (Self-intersection" in errors[1]
    assert after == before
