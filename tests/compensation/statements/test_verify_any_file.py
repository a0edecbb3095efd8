"""Verification never crashes: any file gets "not a statement of ours" or what differs.

The command, the admin page and verify_file itself, on damaged copies of real
statements (truncated, bytes flipped, characters replaced, the last newline made a
space), on files of another kind and on generated mutations (hypothesis).
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from compensation.models import Statement
from compensation.statements.verify import verify_file
from config.roles import AUDITOR
from tests.factories import UserFactory
from tests.hostile import TALLY

URL = "admin:compensation_statement_verify"


def files(run) -> dict[str, bytes]:
    statement = Statement.objects.get(run=run, region__code="341000")
    return {fmt: getattr(statement, fmt).open("rb").read() for fmt in ("csv", "xlsx", "pdf")}


def last_newline_as_space(data: bytes) -> bytes:
    """The file with its final LF replaced by a space (rows end in CRLF: a CR stays)."""
    assert data.endswith(b"\r\n")
    return data[:-1] + b" "


def an_xlsx_of_someone_else() -> bytes:
    workbook = Workbook()
    workbook.active.append(["结算 run", "not a number"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def damaged(original: dict[str, bytes]) -> dict[str, tuple[str, bytes]]:
    csv, xlsx, pdf = original["csv"], original["xlsx"], original["pdf"]
    trailer = csv.rstrip().rsplit(b"\n", 1)[1]
    return {
        "last newline a space": ("s.csv", last_newline_as_space(csv)),
        "truncated CSV": ("s.csv", csv[: len(csv) // 2]),
        "truncated XLSX": ("s.xlsx", xlsx[: len(xlsx) // 2]),
        "truncated PDF": ("s.pdf", pdf[: len(pdf) // 3]),
        "empty": ("s.csv", b""),
        "binary": ("s.bin", bytes(range(256)) * 40),
        "NUL in the trailer's region": ("s.csv", csv.replace(b",341000,", b",3410\x000,")),
        "a run id of 30 digits": (
            "s.csv",
            csv.replace(trailer, b"digest," + b"9" * 30 + b",341000"),
        ),
        "a run id in other digits": ("s.csv", csv.replace(trailer, b"digest,\xc2\xb2,341000")),
        "a huge line": ("s.csv", csv + b"x" * 300_000 + b"\r\n"),
        "a workbook without our sheet": ("s.xlsx", an_xlsx_of_someone_else()),
        "a zip that is not a workbook": ("s.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        "a PDF header only": ("s.pdf", b"%PDF-1.7\n%%EOF"),
        "GBK text": ("s.csv", "记录,结算\n".encode("gbk")),
        "a JSON file": ("s.json", b'{"run": 1}'),
    }


@pytest.fixture
def original(issued):
    return files(issued)


def test_the_csv_whose_last_newline_became_a_space_is_answered(original):
    result = verify_file("s.csv", last_newline_as_space(original["csv"]))

    assert not result.matches
    assert "differs from statement" in result.summary()


@pytest.mark.parametrize("case", list(damaged({"csv": b"a\nb\r\n", "xlsx": b"", "pdf": b""})))
def test_every_damaged_file_gets_a_verdict_from_the_function_and_the_command(
    original, case, tmp_path
):
    name, data = damaged(original)[case]

    result = verify_file(name, data)

    assert not result.matches and result.summary()
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("verify_statement", str(path))
    assert str(refused.value) == result.summary()


def test_the_admin_page_answers_every_damaged_file_in_the_users_language(client, original):
    client.force_login(UserFactory(username="auditor", group=AUDITOR))
    for case, (name, data) in damaged(original).items():
        upload = io.BytesIO(data)
        upload.name = name
        page = client.post(reverse(URL), {"file": upload}, headers={"accept-language": "zh-hans"})

        if case == "empty":  # refused by the form before verification
            assert page.status_code == 400
            assert 'class="errorlist' in page.content.decode()
        else:
            assert page.status_code == 200, case
            assert "该文件与账簿不一致。" in page.content.decode(), case


def test_a_file_of_another_kind_is_not_ours_in_chinese(issued):
    with translation.override("zh-hans"):
        result = verify_file("s.json", b'{"run": 1}')
    assert "s.json 不是碳汇补偿系统的结算单，或已损坏无法识别。" in result.summary()


def mutations(data: bytes) -> st.SearchStrategy:
    """Copies of `data` truncated, with bytes flipped, or with a byte replaced by another."""
    size = len(data)
    positions = st.integers(min_value=0, max_value=size - 1)
    return st.one_of(
        st.integers(min_value=0, max_value=size).map(lambda n: data[:n]),
        st.tuples(positions, st.integers(1, 255)).map(
            lambda p: data[: p[0]] + bytes([data[p[0]] ^ p[1]]) + data[p[0] + 1 :]
        ),
        st.tuples(positions, st.sampled_from(b" \x00\r\n,\"'\xff")).map(
            lambda p: data[: p[0]] + bytes([p[1]]) + data[p[0] + 1 :]
        ),
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mutated_statements_never_crash_verification(original, data):
    fmt = data.draw(st.sampled_from(["csv", "xlsx", "pdf"]), label="format")
    mutated = data.draw(mutations(original[fmt]), label="file")
    try:
        result = verify_file(f"s.{fmt}", mutated)
    except Exception:
        TALLY.record("statement verification", server_error=True)
        raise
    TALLY.record("statement verification")
    assert result.matches == (mutated == original[fmt]), result.summary()
    assert result.summary()
