"""A run's long tables are shown a page at a time; the files hold every row."""

from django.test import RequestFactory

from disclosure.views import PAGE_ROWS, _table_page


def test_a_long_table_is_paged_by_its_own_parameter_keeping_the_others():
    rows = [{"code": f"{n:06d}"} for n in range(2 * PAGE_ROWS + 7)]
    request = RequestFactory().get("/public/runs/7/", {"lang": "en", "regions": "2"})

    page = _table_page(request, "regions", rows)

    assert [r["code"] for r in page["rows"]] == [
        f"{n:06d}" for n in range(PAGE_ROWS, 2 * PAGE_ROWS)
    ]
    assert (page["first"], page["last"], page["count"]) == (PAGE_ROWS + 1, 2 * PAGE_ROWS, len(rows))
    assert page["previous"] == "/public/runs/7/?lang=en&regions=1#regions"
    assert page["next"] == "/public/runs/7/?lang=en&regions=3#regions"


def test_a_page_out_of_range_or_not_a_number_is_the_nearest_one():
    rows = [{"code": str(n)} for n in range(PAGE_ROWS + 1)]
    factory = RequestFactory()

    last = _table_page(factory.get("/", {"vertical": "99"}), "vertical", rows)
    first = _table_page(factory.get("/", {"vertical": "x"}), "vertical", rows)

    assert [r["code"] for r in last["rows"]] == [str(PAGE_ROWS)] and last["next"] == ""
    assert len(first["rows"]) == PAGE_ROWS and first["previous"] == ""


def test_a_short_table_has_no_pages():
    page = _table_page(RequestFactory().get("/"), "market", [{"code": "1"}])
    assert page["previous"] == page["next"] == "" and page["count"] == 1
