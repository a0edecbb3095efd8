"""Scenario 4: an auditor downloads the PDF statement, uploads it to the verification page and
sees it matches; a modified copy is refused with what differs."""

from config.roles import AUDITOR
from tests.conftest import committing
from tests.e2e.users import guide_shot, log_in, person

pytestmark = committing


def verify(page, live_server, path):
    page.goto(f"{live_server.url}/admin/compensation/statement/verify/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="核验").click()
    result = page.locator("#verification-result")
    result.wait_for()
    return result.inner_text()


def test_download_verify_and_catch_a_modified_copy(context, live_server, issued, tmp_path):
    person(AUDITOR, "auditor")
    page = log_in(context, live_server, "auditor", next_path="/admin/compensation/statement/")
    row = page.locator("tr", has_text="黄山市")

    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    with page.expect_download() as download:
        row.get_by_role("link", name="CSV").click()
    csv = tmp_path / download.value.suggested_filename
    download.value.save_as(csv)

    text = verify(page, live_server, pdf)
    assert f"与结算 {issued.pk}、黄山市 (341000) 一致" in text
    guide_shot(page, "4-matches")

    edited = tmp_path / "edited.csv"
    edited.write_bytes(csv.read_bytes().replace(b"4341975.00", b"4341976.00", 1))
    text = verify(page, live_server, edited)
    assert "该文件与账簿不一致" in text
    assert "4341976.00" in text and "4341975.00" in text
    guide_shot(page, "4-differs")

    tampered = tmp_path / "tampered.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    assert "该文件与账簿不一致" in verify(page, live_server, tampered)
