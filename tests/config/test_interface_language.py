"""The demo reads in Chinese: every page, PDF and e-mail of `make demo`, rendered in zh-hans,
holds no English word outside tests/data/english_allowlist.txt (codes, units, brand names,
the demo's account names); and no English word with two Chinese senses is translated
without a message context.

The demo is loaded once for the module (setup_demo, as `make demo` runs it, on PostGIS) and
rolled back at its end. Pages come from tests/pages.py (the same walk as the permission
enumeration): every admin page of every registered model and every page an admin adds, as
the superuser; the admin index, the app indexes, the changelists and one object page of
each model, as each role; every page outside the admin and the API the URL resolver serves,
as each role; the 403, 404 and 500 pages. Only a page's visible text is read: text outside
<script>, <style> and <template>, plus the title, alt, aria-label and placeholder attributes
and the labels of buttons. Delete confirmations are not rendered: their words are Django's
and the model names the other pages show.

Statements are bilingual by design, each label "中文 English", and pdftotext breaks a
table's labels over lines, so a PDF is checked only for what its English halves cannot
explain: stored values printed in place of their labels (a choice's value such as
"posted" with no Chinese before it, a code or key with ":" or "_"), outside the allow-list.

English still on a page that is known and not yet translated is listed, by page, in
tests/data/english_pending.txt: exempt there only, so that nothing new slips in.
"""

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory, TestCase, override_settings
from django.utils import translation
from django.views import defaults

from compensation.models import Statement
from compensation.statements.verify import pdf_text
from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR, OUR_APPS, SUPERUSER_APPS
from supervision.models import Alert
from tests.conftest import PROJECT_ROOT
from tests.pages import (
    admin_index_urls,
    demo_site_values,
    every_admin_url,
    site_urls,
    standard_url,
)

pytestmark = pytest.mark.django_db

ALLOWLIST = PROJECT_ROOT / "tests" / "data" / "english_allowlist.txt"
# English still on a page, by page: known, to be translated, and exempt on that page only.
# Apps a system administrator maintains (their names on the index are checked, their pages
# are not: officials never open them); users and groups are read by the demo's admin.
MAINTENANCE_APPS = set(SUPERUSER_APPS) - {"auth"}
PENDING_FILE = PROJECT_ROOT / "tests" / "data" / "english_pending.txt"
CATALOG = PROJECT_ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ROLES = (FINANCE, ECOLOGY, OPERATOR, AUDITOR)
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# A word, a code or a unit: letters first, then letters and digits, joined by - _ . / : + .
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_./:+][A-Za-z0-9]+)*")
# Not words: addresses, e-mail addresses, digests, TOTP secrets (base32), masked secrets
# ("HRzEcW******", a password hash's salt), ISO times, EPSG codes,
# file names, version labels (v1), codes of capitals and digits (project XAJ001, credit
# serials CN-TANHUI-XAJ001-2024-001-…, recipients V-03, vouchers GK-2025-0001).
NOT_WORDS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[0-9a-f]{16,}\b|\b[A-Z2-7]{26,}\b"
    r"|\d{4}-\d\d-\d\dT[\d:.+Z-]+|\bEPSG:\d+\b|\b[\w.-]+\.(?:geojson|zip|gpkg|csv|xlsx|pdf)\b"
    r"|\bv\d+\b|\b[A-Z]+\d+[A-Z\d]*(?:-[A-Z\d]+)*\b|\b[A-Z]+(?:-\d+)+\b|\bCN-[A-Z\d-]+\b"
    r"|\S+\*{3,}"
)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# English words with more than one Chinese sense: translated only with a message context.
AMBIGUOUS = {
    "from",
    "to",
    "active",
    "open",
    "post",
    "posted",
    "issue",
    "issued",
    "state",
    "balance",
    "account",
    "run",
    "order",
    "close",
    "closed",
    "return",
    "check",
    "record",
    "draft",
}


def _lines(path: Path) -> list[str]:
    """A data file's lines without comments (# to the end) and blank lines."""
    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def allowed_words() -> set[str]:
    """The allow-list file's words, one a line."""
    return {word_key(word) for word in _lines(ALLOWLIST)}


def page_key(url: str) -> str:
    """The URL with each all-digit segment as N (/admin/pilots/zone/N/change/): primary keys
    depend on what the database made before."""
    return re.sub(r"/\d+(?=/)", "/N", url)


def word_key(word: str) -> str:
    """The word with each all-digit part of a code as N (cny:holder:N:market): like primary
    keys in URLs, the ids inside account codes depend on what the database made before."""
    return re.sub(r"(?<=:)\d+(?=:|$)", "N", word)


def _pending() -> dict[str, set[str]]:
    """Page -> English words still on it, each line "page word word ..." of PENDING_FILE."""
    pending = {}
    for line in _lines(PENDING_FILE):
        url, *words = line.split()
        pending.setdefault(url, set()).update(word_key(w) for w in words)
    return pending


class VisibleText(HTMLParser):
    """The text a reader sees or hears of an HTML page, one string per text node or label."""

    HIDDEN = {"script", "style", "template", "code", "kbd", "samp"}
    LABELS = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        attrs = dict(attrs)
        self.parts += [attrs[name] for name in self.LABELS if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def english_words(texts, allowed) -> set[str]:
    """Latin words of `texts` that are not in `allowed`."""
    found = set()
    for text in texts:
        found |= {word_key(w) for w in LATIN.findall(NOT_WORDS.sub(" ", text))} - allowed
    return found


def choice_values() -> set[str]:
    """The stored values of every choice field of our apps ("vertical", "posted", "excellent")."""
    return {
        str(value)
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.get_fields()
        for value, _label in getattr(field, "flatchoices", None) or ()
        if isinstance(value, str)
    }


def raw_values_in_pdf(text: str, allowed) -> set[str]:
    """What a bilingual statement must not print: a code or key (with ":" or "_"), or a
    choice's stored value with no Chinese before it on its line ("已记账 posted" is a label,
    "posted" alone is the value), unless allow-listed."""
    raw, found = choice_values(), set()
    for line in NOT_WORDS.sub(" ", text).splitlines():
        for match in LATIN.finditer(line):
            word = match.group()
            bare = word in raw and not CJK.search(line[: match.start()])
            if (bare or ":" in word or "_" in word) and word not in allowed:
                found.add(word)
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo as `make demo` leaves it: its statements' text and the alert e-mails it sent."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        mail.outbox = []
        # The audit log as the demo leaves it: entries that an earlier test of this process
        # committed are not the demo's. The table refuses deletes row by row (append-only);
        # TRUNCATE is rolled back with the rest at the module's end.
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE auditlog_logentry")
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("setup_demo", stdout=StringIO())
        statements = {
            str(statement): pdf_text(statement.pdf.open("rb").read())
            for statement in Statement.objects.all()
        }
        yield {"statements": statements, "mails": list(mail.outbox)}
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root():
    """The demo's statement files stay where the module's demo wrote them (tests/conftest.py
    gives every other test a directory of its own)."""


def _user_of(role):
    """The demo's user of `role`, or one made for it if the demo has none."""
    user = get_user_model().objects.filter(groups__name=role).order_by("pk").first()
    if user is None:
        user = get_user_model().objects.create_user(f"demo-{role}", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    return user


def _page(client, url) -> tuple[int, str]:
    response = client.get(url, **ZH)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return response.status_code, ""
    return 200, response.content.decode()


def _check(client, urls, allowed, found):
    """Render each URL once; found[url] = its English words outside the allow-list and the
    words pending on that page."""
    pending = _pending()
    for url in urls:
        _status, html = _page(client, url)
        page = page_key(url)
        words = english_words(visible_text(html), allowed | pending.get(page, set()))
        if words:
            found[page] = sorted(words)


def test_every_admin_page_of_the_demo_is_in_chinese(client, demo):
    allowed, found = allowed_words(), {}
    client.force_login(get_user_model().objects.get(is_superuser=True))
    urls = every_admin_url(skip_apps=MAINTENANCE_APPS)
    _check(client, urls, allowed, found)
    assert len(urls) > 150
    assert found == {}


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_a_role_opens_is_in_chinese(client, demo, role):
    """The index, app indexes and changelists (actions, filters, buttons) as the role sees them."""
    allowed, found = allowed_words(), {}
    client.force_login(_user_of(role))
    _check(client, admin_index_urls(client, **ZH), allowed, found)
    assert found == {}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_outside_the_admin_is_in_chinese(client, demo, role):
    allowed, found = allowed_words(), {}
    client.force_login(_user_of(role))
    _check(client, site_urls(demo_site_values()), allowed, found)
    assert found == {}


def test_error_pages_are_in_chinese(client, demo):
    """403, 404 and 500 as production serves them (DEBUG off, the test settings' default)."""
    allowed = allowed_words()
    operator = _user_of(OPERATOR)
    client.force_login(operator)
    forbidden = client.get(standard_url(Alert, "add"), **ZH)
    missing = client.get("/no/such/page/", **ZH)
    with translation.override("zh-hans"):
        failed = defaults.server_error(RequestFactory().get("/"))
    pages = {403: forbidden, 404: missing, 500: failed}

    assert {code: page.status_code for code, page in pages.items()} == {
        403: 403,
        404: 404,
        500: 500,
    }
    for page in pages.values():
        text = visible_text(page.content.decode())
        assert any(CJK.search(part) for part in text), text
        assert english_words(text, allowed) == set()


def test_every_statement_pdf_of_the_demo_is_in_chinese(demo):
    allowed = allowed_words()
    found = {
        name: sorted(raw_values_in_pdf(text, allowed)) for name, text in demo["statements"].items()
    }

    assert len(found) >= 2
    assert {name: words for name, words in found.items() if words} == {}


def test_every_alert_e_mail_of_the_demo_is_in_chinese(demo):
    allowed = allowed_words()
    found = {
        message.subject: sorted(english_words([message.subject, message.body], allowed))
        for message in demo["mails"]
    }

    assert len(found) >= 1
    assert {subject: words for subject, words in found.items() if words} == {}


def _catalogue():
    """(msgctxt, msgid, locations) of every entry of our zh-hans catalogue."""
    entries, current, field = [], {"locations": []}, None
    for line in [*CATALOG.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#: "):
            current["locations"] += line[3:].split()
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ")):
            field, _, value = line.partition(" ")
            current[field] = value.strip('"')
        elif line.startswith('"') and field:
            current[field] += line.strip('"')
        elif not line.strip():
            if current.get("msgid"):
                entries.append((current.get("msgctxt"), current["msgid"], current["locations"]))
            current, field = {"locations": []}, None
    return entries


def test_no_english_word_with_two_senses_is_translated_without_a_context():
    """Our own code marks "from", "active", "posted"... with pgettext; only the strings we
    translate for third-party apps (config/vendor_strings.py), whose code names no
    context, may leave it out."""
    ours = [
        (msgid, [where for where in locations if not where.startswith("config/vendor_strings.py")])
        for context, msgid, locations in _catalogue()
        if context is None and msgid.strip().lower() in AMBIGUOUS
    ]

    assert [(msgid, where) for msgid, where in ours if where] == []
