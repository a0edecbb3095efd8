"""Who may do what, by enumeration: every admin page, admin action, custom admin page and API
route, for every role, answered as config.roles (the table the code reads) says.

Nothing here lists pages or routes by hand: the admin site's registry, each admin's
get_urls() and actions, and the API router are walked (tests/pages.py, which the language
test walks too). An action or page that names
no permission fails. Counts go to the session summary (tests/access_tally.py).
"""

import pytest
from django.contrib.admin.filters import FieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from compensation.models import Agreement, EmissionInventory
from config.roles import (
    AUDITOR,
    BUTTONS,
    ECOLOGY,
    FINANCE,
    OPERATOR,
    OUR_APPS,
    SUPERUSER_APPS,
    permissions_of,
    roles_that_may,
)
from disclosure.services import propose_release
from passthrough.models import Payment, SubAllocationLine
from pilots.admin_mixins import RegionScopedAdminMixin
from pilots.models import ImportBatch, Region, Zone
from supervision.exchange import LAYERS
from supervision.models import AlertRule, ChangeDetection
from tests import access_tally
from tests.factories import RecipientFactory, add_cover, albers_rectangle, sink_decline_alert
from tests.pages import api_routes, custom_pages, fill, registry, site_pages, standard_url

pytestmark = pytest.mark.django_db

ROLES = {"finance": FINANCE, "ecology": ECOLOGY, "operator": OPERATOR, "auditor": AUDITOR}
EVERYONE = (*ROLES, "anonymous")
# What a plain create/read/update/delete needs, by HTTP method (Django's model permissions).
CRUD = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add"}
CRUD |= {"PUT": "change", "PATCH": "change", "DELETE": "delete"}
CRUD_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "destroy", "metadata"}


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    """One test sends hundreds of writes from one address: no throttling here."""
    rates = dict.fromkeys(("write-user", "write-ip", "auth-user", "auth-ip"), "100000/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def every_kind(world):
    """`world` plus a row (in each region) of our kinds it lacks, so their object pages are tried.

    Of the apps only superusers administer, rows are not made: every role is refused their
    lists, and their object pages ask the same permissions."""
    rule = AlertRule.objects.create(name="sink watch", kind="sink_decline", threshold=5)
    for code in (world["own"], world["other"]):
        region = Region.objects.get(code=code)
        EmissionInventory.objects.create(region=region, year=2024, tco2e="10.000", source="t")
        add_cover(region, "03", albers_rectangle(region, 0, 0, 100, 100))
        sink_decline_alert(region, rule)
        ChangeDetection.objects.create(
            key=f"k{code}", region=region, subject="land_cover", before_year=2022, after_year=2023
        )
    ImportBatch.objects.create(
        kind="zones", file_name="z.geojson", file_sha256="0" * 64, target="t", status="rejected"
    )
    propose_release(kind="pilot", programme=world["run"].programme, by=world["users"]["finance"])
    return world


def _granted(who: str) -> set[str]:
    """ "app.codename" permissions config.roles gives `who` (nothing for anonymous)."""
    if who == "anonymous":
        return set()
    return {f"{label}.{codename}" for label, codename in permissions_of(ROLES[who])}


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _declared(app_label, view) -> bool:
    """A button of config.roles.BUTTONS, or an app whose admin only superusers use."""
    return getattr(view, "button", None) in BUTTONS or app_label in SUPERUSER_APPS


def _roles_that_may(view) -> set[str]:
    """Roles config.roles lets press the view's button; none for a view of a superuser app."""
    return roles_that_may(view.button) if getattr(view, "button", None) in BUTTONS else set()


def _client(client, world, who):
    client.logout()
    if who != "anonymous":
        client.force_login(world["users"][who])
    return client


def _to_login(response) -> bool:
    return response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.fixture
def everyone(django_user_model):
    """A superuser's request: what an admin allows anybody at all, whatever their role."""
    return _request(django_user_model.objects.create_superuser("root", password="root-2026-pw"))


@pytest.mark.usefixtures("every_kind")
def test_every_admin_page_answers_each_role_as_config_roles_says(client, world, everyone):
    """Changelist, add, change, delete and history of every registered model, for every role.

    Allowed means the table grants the model permission and the admin allows the page to
    anyone at all (a superuser: history records are read-only for everybody).
    """
    tried, wrong = 0, []
    for model, model_admin in registry():
        opts = model._meta
        perm = f"{opts.app_label}.{{}}_{opts.model_name}".format
        sample = model._default_manager.order_by("pk").first()
        for who in EVERYONE:
            granted = _granted(who)
            reads = perm("view") in granted or perm("change") in granted
            if who == "operator" and reads:
                visible = model_admin.get_queryset(_request(world["users"][who]))
                obj = visible.order_by("pk").first()
            else:
                obj = sample
            pages = {
                "changelist": ((), reads),
                "add": ((), perm("add") in granted and model_admin.has_add_permission(everyone)),
            }
            if obj is not None:
                pages["change"] = ((obj.pk,), reads)
                pages["history"] = ((obj.pk,), reads)
                pages["delete"] = (
                    (obj.pk,),
                    perm("delete") in granted and model_admin.has_delete_permission(everyone, obj),
                )
            c = _client(client, world, who)
            for page, (args, allowed) in pages.items():
                url = standard_url(model, page, *args)
                response = c.get(url)
                tried += 1
                if who == "anonymous":
                    ok = _to_login(response)
                else:
                    ok = response.status_code == (200 if allowed else 403)
                if not ok:
                    wrong.append((who, url, response.status_code, allowed))
    access_tally.record("admin pages × roles", tried=tried, wrong=len(wrong))
    assert wrong == []


def test_every_admin_action_declares_a_button_and_is_offered_as_config_roles_says(
    client, world, everyone
):
    """Each admin's actions (Django's delete_selected aside) name a button of
    config.roles.BUTTONS; a changelist offers an action exactly to the roles that may press it."""
    undeclared, tried, wrong = [], 0, []
    for model, model_admin in registry():
        opts = model._meta
        actions = {name: func for func, name, _desc in model_admin._get_base_actions()}
        for name, func in actions.items():
            if name != "delete_selected" and not _declared(opts.app_label, func):
                undeclared.append(f"{opts.label}.{name}")
        for who in EVERYONE:
            response = _client(client, world, who).get(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            )
            if response.status_code != 200:
                continue
            form = response.context.get("action_form")
            offered = {value for value, _label in form.fields["action"].choices} if form else set()
            offered.discard("")
            expected = set()
            for name, func in actions.items():
                if name == "delete_selected":
                    deletes = f"{opts.app_label}.delete_{opts.model_name}" in _granted(who)
                    if deletes and model_admin.has_delete_permission(everyone):
                        expected.add(name)
                elif ROLES.get(who) in _roles_that_may(func):
                    expected.add(name)
            tried += len(actions)
            if offered != expected:
                wrong.append((who, opts.label, sorted(offered), sorted(expected)))
    access_tally.record("admin actions × roles", tried=tried, wrong=len(wrong) + len(undeclared))
    assert undeclared == []
    assert wrong == []


def test_every_custom_admin_page_declares_a_button_and_answers_as_config_roles_says(client, world):
    pages = list(custom_pages())
    undeclared = [name for label, name, view, _url in pages if not _declared(label, view)]
    tried, wrong = 0, []
    for _label, name, view, url in pages:
        allowed_roles = _roles_that_may(view)
        for who in EVERYONE:
            response = _client(client, world, who).get(url)
            tried += 1
            if who == "anonymous":
                ok = _to_login(response)
            elif ROLES[who] in allowed_roles:
                # Past the check: the page, a redirect to it, or 404 for unknown object 0.
                ok = response.status_code in (200, 302, 404) and not _to_login(response)
            else:
                ok = response.status_code == 403
            if not ok:
                wrong.append((who, name, response.status_code))
    access_tally.record(
        "custom admin pages × roles", tried=tried, wrong=len(wrong) + len(undeclared)
    )
    assert len(pages) >= 5, pages  # start, move, verify, sink report, upload
    assert undeclared == []
    assert wrong == []


def _api_expected(viewset, action, method, who) -> bool | None:
    """Whether config.roles lets `who` call it; None for an action that declares nothing."""
    button = getattr(viewset, "action_permissions", {}).get(action)
    if button is not None:
        return ROLES.get(who) in roles_that_may(button)
    if action not in CRUD_ACTIONS and method not in ("GET", "HEAD", "OPTIONS"):
        return None
    opts = viewset.queryset.model._meta
    return f"{opts.app_label}.{CRUD[method]}_{opts.model_name}" in _granted(who)


def test_every_api_route_and_action_answers_each_role_as_config_roles_says(world):
    """Unknown object 0 everywhere: an allowed caller gets past the permission check (404, 400,
    200 for a list), a refused one gets 403 (401 or 403 when not signed in), never a 5xx."""
    routes = list(api_routes())
    undeclared = sorted(
        {
            f"{viewset.__name__}.{action}"
            for viewset, action, method, _url in routes
            if _api_expected(viewset, action, method, "finance") is None
        }
    )
    tried, wrong = 0, []
    for who in EVERYONE:
        api = APIClient()
        if who != "anonymous":
            api.force_authenticate(world["users"][who])
        for viewset, action, method, url in routes:
            allowed = _api_expected(viewset, action, method, who)
            response = api.generic(method, url, "{}", content_type="application/json")
            tried += 1
            code = response.status_code
            if who == "anonymous":
                ok = code in (401, 403)
            elif allowed:
                ok = code not in (401, 403) and code < 500
            else:
                ok = code == 403
            if not ok:
                wrong.append((who, method, url, code, allowed))
    access_tally.record(
        "API routes and methods × roles", tried=tried, wrong=len(wrong) + len(undeclared)
    )
    assert len({url for *_rest, url in routes}) > 40
    assert undeclared == []
    assert wrong == []


def test_no_role_holds_a_permission_in_the_apps_only_superusers_administer():
    held = {label for role in ROLES.values() for label, _codename in permissions_of(role)}

    assert held & set(SUPERUSER_APPS) == set()
    assert {model._meta.app_label for model, _admin in registry()} <= {
        *OUR_APPS,
        "auditlog",
        *SUPERUSER_APPS,
    }


def test_an_operator_may_view_only_region_scoped_admins(world):
    """Every admin an operator may open limits its rows to their regions."""
    operator = _granted("operator")
    unscoped = [
        model._meta.label
        for model, model_admin in registry()
        if f"{model._meta.app_label}.view_{model._meta.model_name}" in operator
        and not isinstance(model_admin, RegionScopedAdminMixin)
    ]

    assert unscoped == []


# How a related object an operator's form may offer names its region(s).
REGION_OF_CHOICE = {
    Region: "code",
    Agreement: "parties__region__code",
    Zone: "region__code",
    Payment: "region__code",
    SubAllocationLine: "plan__region__code",
}


def _scoped_admins_the_operator_views():
    operator = _granted("operator")
    for model, model_admin in registry():
        opts = model._meta
        if f"{opts.app_label}.view_{opts.model_name}" in operator:
            yield model, model_admin


@pytest.mark.usefixtures("every_kind")
def test_another_regions_objects_answer_404_on_every_admin_page_an_operator_may_open(client, world):
    """Change, history and delete of each object the operator's admin does not list: 404,
    as if it did not exist (not a redirect to the admin index that confirms it does)."""
    operator = world["users"]["operator"]
    c = _client(client, world, "operator")
    tried, wrong, kinds = 0, [], set()
    for model, model_admin in _scoped_admins_the_operator_views():
        opts = model._meta
        visible = model_admin.get_queryset(_request(operator)).values("pk")
        for obj in model._default_manager.exclude(pk__in=visible).order_by("pk")[:3]:
            kinds.add(opts.label)
            for page in ("change", "history", "delete"):
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
                response = c.get(url)
                tried += 1
                if response.status_code != 404:
                    wrong.append((url, response.status_code))
    access_tally.record(
        "operator: admin pages of another region's objects", tried=tried, wrong=len(wrong)
    )
    assert {"pilots.Region", "pilots.Zone", "compensation.Statement", "supervision.Alert"} <= kinds
    assert wrong == []


def test_an_operators_filter_sidebars_offer_only_what_their_list_shows(world):
    """A sidebar filter on a related object (region, run, project, agreement) lists only the
    objects of rows the operator sees: never another region or a run without their rows.

    Each filter is built as the changelist builds it (the page hides one with a single
    choice, so the page alone would not show what it offers)."""
    request = _request(world["users"]["operator"])
    other = Region.objects.get(code=world["other"])
    tried, wrong, related_filters = 0, [], 0
    for model, model_admin in _scoped_admins_the_operator_views():
        visible = model_admin.get_queryset(request)
        for entry in model_admin.get_list_filter(request):
            path, kind = entry if isinstance(entry, tuple) else (entry, FieldListFilter.create)
            if not isinstance(path, str) or not get_fields_from_path(model, path)[-1].is_relation:
                continue
            field = get_fields_from_path(model, path)[-1]
            spec = kind(field, request, {}, model, model_admin, field_path=path)
            related_filters += 1
            offered = {pk for pk, _label in spec.lookup_choices}
            listed = set(visible.values_list(f"{path}__pk", flat=True))
            tried += len(offered)
            theirs = field.related_model is Region and other.pk in offered
            if not offered <= listed or theirs:
                wrong.append((model._meta.label, path, offered - listed))
    access_tally.record("operator: filter sidebar choices", tried=tried, wrong=len(wrong))
    assert related_filters >= 5
    assert wrong == []


def test_an_operators_autocompletes_and_choices_offer_only_their_regions(client, world):
    """Every autocomplete an operator's admin pages use, and the related choices of every
    form they may fill in, hold nothing of another region."""
    operator = world["users"]["operator"]
    own = Region.objects.get(code=world["own"])
    c = _client(client, world, "operator")
    tried, wrong, autocompletes = 0, [], 0
    for model, model_admin in _scoped_admins_the_operator_views():
        opts = model._meta
        for name in model_admin.autocomplete_fields:
            response = c.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": opts.app_label,
                    "model_name": opts.model_name,
                    "field_name": name,
                },
            )
            autocompletes += 1
            ids = {int(row["id"]) for row in response.json()["results"]}
            tried += len(ids)
            if ids != {own.pk}:
                wrong.append((opts.label, name, ids))
        if not model_admin.has_add_permission(_request(operator)):
            continue
        response = c.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        for name, field in response.context["adminform"].form.fields.items():
            if getattr(field, "queryset", None) is None:
                continue
            path = REGION_OF_CHOICE.get(field.queryset.model)
            tried += field.queryset.count()
            if path is None or field.queryset.exclude(**{path: own.code}).exists():
                wrong.append((opts.label, name))
    access_tally.record("operator: autocomplete and form choices", tried=tried, wrong=len(wrong))
    assert autocompletes >= 1
    assert wrong == []


def test_every_page_naming_another_region_answers_an_operator_404(client, world):
    """Pages, reports and downloads by region code (the URL resolver's, not a hand list); a
    row id in the path (a recipient's) is one of the other region's."""
    stranger = RecipientFactory(region=Region.objects.get(code=world["other"]), code="V-OTHER")
    values = {
        "code": world["other"],
        "year": "2024",
        "layer": next(iter(LAYERS)),
        "fmt": "pdf",
        "pk": stranger.pk,
    }
    c = _client(client, world, "operator")
    tried, wrong = 0, []
    for route, converters in site_pages(get_resolver().url_patterns):
        if "code" not in converters:
            continue
        url = fill(route, values)
        assert set(converters) <= set(values), route
        response = c.get(url)
        tried += 1
        if response.status_code != 404:
            wrong.append((url, response.status_code))
    access_tally.record("operator: pages naming another region", tried=tried, wrong=len(wrong))
    assert tried >= 6
    assert wrong == []
