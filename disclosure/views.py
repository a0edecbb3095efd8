"""The public pages and files under /public/: no login, no session, no CSRF token to read.

Every page and file shows frozen release content only (disclosure.selectors); the
credit lookup reads the live registry, for projects of pilots whose data is released.
Language: ?lang=en, zh-hans otherwise (disclosure.http.public).
"""

import hashlib
from decimal import Decimal

from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_http_methods

from compensation.maps import density_colour, svg_map
from compensation.models import (
    Agreement,
    AgreementParty,
    CreditBlock,
    CreditOperation,
    MethodologyVersion,
)
from compensation.serials import SerialError, parse
from compensation.statements.content import canonical
from compensation.statements.inputs import labelled_inputs, one_language
from compensation.statements.verify import verify_file
from disclosure import selectors, tables
from disclosure.http import language_of, public
from disclosure.models import Release
from formats.numbers import yuan
from pilots.models import Region

Unit = MethodologyVersion.Unit

Kind = Release.Kind
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A run's page shows its per-region tables a page at a time (a national run has 2,844
# regions); every row is in the table's CSV, XLSX and JSON files.
PAGE_ROWS = 50
RUN_TABLES = ("regions", "vertical", "horizontal", "market", "statements")


def _log_etag(request, *args, **kwargs) -> str:
    """Pages built from releases change only when the log does: its latest act, the URL and
    the language name the page."""
    latest = selectors.publication_log().values_list("pk", "decided_at").first()
    key = f"{latest}|{request.get_full_path()}|{language_of(request)}"
    return hashlib.sha256(key.encode()).hexdigest()


def _release_etag(request, pk, *args, **kwargs) -> str | None:
    release = selectors.published(pk)
    if release is None:
        return None
    return hashlib.sha256(f"{release.sha256}|{request.get_full_path()}".encode()).hexdigest()


def _page(request, template, context):
    return render(request, f"disclosure/{template}", {"lang": language_of(request), **context})


@public
@condition(etag_func=_log_etag)
def index(request):
    current = selectors.current_releases()
    return _page(
        request,
        "index.html",
        {
            "pilots": [r for r in current if r.kind == Kind.PILOT],
            "runs": [r for r in current if r.kind == Kind.RUN],
            "agreements": [r for r in current if r.kind == Kind.AGREEMENT],
        },
    )


def _position_map(content):
    """The pilot's regions on a map, coloured by net position (green sink, red source)."""
    nets = {r["code"]: Decimal(r["net_tco2e"]) for r in content["regions"]}
    if not nets:
        return ""
    top = float(max(nets.values()))
    shapes = [
        (r.geometry, density_colour(float(nets[r.code]), top), f"{r.name}: {nets[r.code]} tCO2e")
        for r in Region.objects.filter(code__in=nets).order_by("code")
    ]
    return svg_map(shapes, label=_("Member regions by net position (tCO2e)"))


@public
@condition(etag_func=_log_etag)
def pilot(request, pk: int):
    release = selectors.current_for(Kind.PILOT, programme=pk)
    if release is None:
        raise Http404
    others = [
        r for r in selectors.current_releases() if r.programme_id == pk and r.kind != Kind.PILOT
    ]
    valuation, lang = release.content.get("valuation"), language_of(request)
    return _page(
        request,
        "pilot.html",
        {
            "release": release,
            "content": release.content,
            # Bilingual names stored as "中文 English" read in the page's language.
            "names": valuation
            and {
                "methodology": one_language(valuation["methodology"], lang),
                "unit": Unit(valuation["unit"]).label if valuation["unit"] in Unit else "",
                "market": one_language(valuation["price"]["market_name"], lang),
                "price": yuan(Decimal(valuation["price"]["price"])),
            },
            "map": _position_map(release.content),
            "others": others,
            "regions": _table_page(request, "regions", release.content["regions"]),
        },
    )


@public
@condition(etag_func=_log_etag)
def run(request, pk: int):
    release = selectors.current_for(Kind.RUN, run=pk)
    if release is None:
        raise Http404
    content = release.content
    channels = sorted({c for r in content["regions"] for c in r["channels"]})
    lang = language_of(request)
    pages = {table: _table_page(request, table, content[table]) for table in RUN_TABLES}
    for channel in ("vertical", "horizontal"):
        pages[channel]["rows"] = [
            {**t, "inputs": labelled_inputs(t["inputs"], lang)} for t in pages[channel]["rows"]
        ]
    return _page(
        request,
        "run.html",
        {
            "release": release,
            "content": content,
            "channels": channels,
            "pages": pages,
        },
    )


def _table_page(request, table: str, rows: list) -> dict:
    """One page of PAGE_ROWS `rows`, chosen by ?<table>=N (not a number or out of range: the
    nearest page): {"rows", "first", "last", "count", "previous", "next"}, the last two the
    URLs of the neighbouring pages ("" at either end), keeping the other parameters."""
    page = Paginator(rows, PAGE_ROWS).get_page(request.GET.get(table))

    def url(number):
        query = request.GET.copy()
        query[table] = number
        return f"{request.path}?{query.urlencode()}#{table}"

    return {
        "rows": page.object_list,
        "first": page.start_index(),
        "last": page.end_index(),
        "count": len(rows),
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
    }


@public
@condition(etag_func=_log_etag)
def agreement(request, pk: int):
    release = selectors.current_for(Kind.AGREEMENT, agreement=pk)
    if release is None:
        raise Http404
    content = release.content
    sides = dict(AgreementParty.Side.choices)
    return _page(
        request,
        "agreement.html",
        {
            "release": release,
            "content": content,
            "rule": dict(Agreement.Rule.choices).get(content["agreement"]["rule"], ""),
            "parties": [{**p, "side_label": sides.get(p["side"], "")} for p in content["parties"]],
        },
    )


@public
@condition(etag_func=_log_etag)
def log(request):
    return _page(request, "log.html", {"releases": selectors.publication_log()})


def _file(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=tables.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@public
@condition(etag_func=_log_etag)
def log_file(request, fmt: str):
    if fmt not in tables.FORMATS:
        raise Http404
    columns, rows = tables.log_table(selectors.publication_log())
    return _file(tables.render(columns, rows, fmt, title="log"), fmt, "tanhui-publication-log")


@public
@condition(etag_func=_release_etag)
def release_content(request, pk: int):
    """The release's content exactly as hashed: sha256(body) is the log's SHA-256."""
    release = selectors.published(pk)
    if release is None:
        raise Http404
    return _file(canonical(release.content), "json", f"tanhui-release-{pk}")


@public
@condition(etag_func=_release_etag)
def release_table(request, pk: int, table: str, fmt: str):
    release = selectors.published(pk)
    if release is None or fmt not in tables.FORMATS:
        raise Http404
    build = tables.TABLES[release.kind].get(table)
    if build is None:
        raise Http404
    columns, rows = build(release.content)
    return _file(
        tables.render(columns, rows, fmt, title=table), fmt, f"tanhui-release-{pk}-{table}"
    )


def _public_beneficiary(operation) -> str:
    """What the public sees of a block's retirement beneficiary: the name if the holder chose
    to publish it, "not published" if not, "" when the block is not retired."""
    if operation.kind != CreditOperation.Kind.RETIRE:
        return ""
    if operation.beneficiary_published:
        return operation.beneficiary
    return _("not published by the holder")


def _credit_rows(text: str) -> list[dict]:
    """The blocks a serial covers, for projects of pilots whose data is released: project,
    region, vintage, batch, units, holder type, status and a retirement's beneficiary."""
    wanted = parse(text)
    released = {r.programme_id for r in selectors.current_releases(Kind.PILOT)}
    blocks = (
        CreditBlock.objects.filter(
            batch__project__code=wanted.project_code,
            batch__project__programme_id__in=released,
            batch__vintage=wanted.vintage,
            batch__number=wanted.batch_number,
            first_unit__lte=wanted.last_unit,
            last_unit__gte=wanted.first_unit,
        )
        .select_related("batch__project__region", "holder", "operation")
        .order_by("first_unit")
    )
    return [
        {
            "serial": b.serial,
            "project": b.batch.project,
            "region": b.batch.project.region.name,
            "vintage": b.batch.vintage,
            "batch": b.batch.number,
            "units": b.units,
            "holder_kind": b.holder.get_kind_display(),
            "status": b.get_status_display(),
            "retired": b.status == CreditBlock.Status.RETIRED,
            "beneficiary": _public_beneficiary(b.operation),
        }
        for b in blocks
    ]


@public
def credits(request):
    serial = request.GET.get("serial", "").strip()[:120]
    rows, error = [], ""
    if serial:
        try:
            rows = _credit_rows(serial)
        except SerialError:
            error = _(
                "This is not a valid Tanhui serial (CN-TANHUI-<project>-<vintage>-<batch>-"
                "<first>-<last>-<check>), or its check digits do not match."
            )
        else:
            if not rows:
                error = _("No published credits carry this serial.")
    return _page(request, "credits.html", {"serial": serial, "rows": rows, "error": error})


def _verdict(upload) -> tuple[bool, str]:
    """(matches, message) for an uploaded file, told only about published statements."""
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return False, _("The file is larger than any statement (20 MB at most).")
    if not data:
        return False, _("The file is empty.")
    published = {
        s["digest"]: (release, s)
        for release in selectors.current_releases(Kind.RUN)
        for s in release.content["statements"]
    }
    result = verify_file(str(upload.name)[:200], data)
    found = result.statement and published.get(result.statement.digest)
    if result.matches and found:
        release, statement = found
        return True, _(
            "The file matches the published statement of run %(run)s, %(where)s "
            "(content digest %(digest)s)."
        ) % {
            "run": release.run_id,
            "where": statement["region_name"] or _("summary"),
            "digest": statement["digest"],
        }
    if not result.ledger_intact:
        return False, _("The ledger cannot be verified at the moment; please try again later.")
    return False, _(
        "The file does not match any published statement: it was altered, damaged, or never "
        "published."
    )


@csrf_exempt  # a stateless check by anonymous callers: no session, nothing changes
@public
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    verdict = None
    if request.method == "POST":
        try:
            upload = request.FILES.get("file")
        except (MultiPartParserError, SuspiciousOperation, UnreadablePostError):
            upload = None
        verdict = (
            _verdict(upload)
            if upload is not None
            else (False, _("Choose a statement file (PDF, CSV or XLSX) to check."))
        )
    return _page(
        request,
        "verify.html",
        {"verdict": verdict, "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )
