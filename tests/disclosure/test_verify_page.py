"""The public verification page: a published statement matches; anything else, however
hostile, gets a clear answer (never a 500) that tells nothing of unpublished statements."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from compensation.models import Statement
from disclosure import views
from tests.inputs import BAD_INPUTS

pytestmark = pytest.mark.django_db
NO_MATCH = "与任何已公开的结算单均不一致"


def _upload(name: str, data: bytes, client=None):
    client = client or Client(enforce_csrf_checks=True)
    return client.post(reverse("disclosure:verify"), {"file": SimpleUploadedFile(name, data)})


def _issued_csv(run) -> tuple[Statement, bytes]:
    statement = Statement.objects.filter(run=run, region__isnull=False).order_by("pk")[0]
    with statement.csv.open("rb") as handle:
        return statement, handle.read()


def test_a_published_statement_matches_without_a_session_or_csrf_token(public_world):
    statement, data = _issued_csv(public_world["run"])

    response = _upload(f"{statement.stem}.csv", data)

    body = response.content.decode()
    assert response.status_code == 200
    assert "已公开结算单一致" in body and statement.digest in body
    assert "Set-Cookie" not in response
    assert "no-store" in response["Cache-Control"]


def test_a_statement_of_an_unreleased_run_is_told_only_that_it_matches_nothing(rendered):
    statement, data = _issued_csv(rendered["run"])

    response = _upload(f"{statement.stem}.csv", data)

    body = response.content.decode()
    assert response.status_code == 200
    assert NO_MATCH in body
    assert statement.digest not in body
    assert statement.region.name not in body


def test_an_altered_published_statement_does_not_match(public_world):
    _statement, data = _issued_csv(public_world["run"])

    response = _upload("statement.csv", data.replace(b"0", b"1", 1))

    assert response.status_code == 200
    assert NO_MATCH in response.content.decode()


HOSTILE = [
    ("empty.csv", b"", "文件为空"),
    ("random.bin", bytes(range(256)) * 40, NO_MATCH),
    ("fake.pdf", b"%PDF-1.7\n" + b"\x00\xff" * 500, NO_MATCH),
    ("fake.xlsx", b"PK\x03\x04" + b"\x00" * 400, NO_MATCH),
    ("trailer.csv", b"digest,99999999999999999999,341000\n", NO_MATCH),
    ("nul\x00name.csv", b"a,b\n", NO_MATCH),
    ("街" * 500 + ".csv", "区,金额\n".encode("gbk"), NO_MATCH),
    ("sql.csv", b"digest,1; DROP TABLE compensation_statement;--,x\n", NO_MATCH),
]


@pytest.mark.parametrize(("name", "data", "answer"), HOSTILE, ids=[h[0][:20] for h in HOSTILE])
def test_a_hostile_upload_gets_a_clear_answer(db, name, data, answer):
    response = _upload(name, data)

    assert response.status_code == 200
    assert answer in response.content.decode()


def test_every_file_of_the_bad_input_corpus_gets_a_clear_answer(db):
    answers = {
        path.name: _upload(path.name, path.read_bytes()) for path in sorted(BAD_INPUTS.iterdir())
    }

    unclear = {
        name: r.status_code
        for name, r in answers.items()
        if r.status_code != 200 or NO_MATCH not in r.content.decode()
    }
    assert len(answers) >= 20
    assert unclear == {}


def test_a_file_larger_than_any_statement_is_refused_unread(db, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 1000)

    response = _upload("big.csv", b"1," * 1000)

    assert response.status_code == 200
    assert "文件大于任何结算单" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            b'--xx\r\nContent-Disposition: form-data; name="file"',
            "multipart/form-data; boundary=xx",
        ),
        (b"file=abc", "application/x-www-form-urlencoded"),
        (b"{}", "application/json"),
        (b"--", "multipart/form-data"),
    ],
)
def test_a_malformed_post_is_asked_for_a_file(db, body, content_type):
    response = Client(enforce_csrf_checks=True).generic(
        "POST", reverse("disclosure:verify"), body, content_type=content_type
    )

    assert response.status_code == 200
    assert "请选择要核验的结算单文件" in response.content.decode()


def test_the_page_itself_answers_in_chinese_and_english(db):
    zh = Client().get(reverse("disclosure:verify"))
    en = Client().get(reverse("disclosure:verify"), {"lang": "en"})

    assert "核验结算单" in zh.content.decode()
    assert "Verify a statement" in en.content.decode()
