"""Every writable field of every admin form and upload form, given hostile values.

The forms are enumerated from the admin site's registry and the upload pages (so a
new model admin is covered without being listed here); the values come from each
field's type and database column (tests/hostile.py). The answer is the form again
with an error naming the field (or the value taken as the text it is), never a 5xx,
and nothing is stored.
"""

from datetime import date

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compensation.admin.settlement import StartRunForm
from compensation.models import Agreement, AgreementParty
from config.roles import OPERATOR
from pilots.forms import SpatialUploadForm
from pilots.models import OperatorAssignment, PlanningVersion, Region
from portal.forms import MonitoringUploadForm
from tests.conftest import OUR_APPS, stored_rows
from tests.factories import UPSTREAM, UserFactory
from tests.hostile import TALLY, form_hostile, hostile
from tests.inputs import BAD_INPUTS

GOOD_MONITORING = "section,year,pollutant,mean_mg_per_l\n街口,2026,TP,0.02\n".encode()

SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Text fields take text: a value generated for one may be ordinary text ("NaN", "1e400").
TEXT = (models.CharField, models.TextField)
# A checkbox is ticked by any value a browser sends.
TICKED = models.BooleanField


def admin_fields(user) -> list[tuple[type, str, models.Field]]:
    """(model, form field name, model field) for every writable field of every add form."""
    request = RequestFactory().get("/")
    request.user = user
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS or not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)
        concrete = {f.name: f for f in model._meta.concrete_fields}
        found += [(model, name, concrete[name]) for name in form.base_fields if name in concrete]
    return found


def test_every_admin_model_with_an_add_form_is_enumerated(admin_user):
    models_with_fields = {model._meta.label for model, _, _ in admin_fields(admin_user)}

    assert {"compensation.CarbonPrice", "compensation.Agreement", "supervision.AlertRule"} <= (
        models_with_fields
    )
    assert len(models_with_fields) >= 15


@pytest.mark.django_db
@SETTINGS
@given(data=st.data())
def test_hostile_values_in_admin_add_forms_are_form_errors_and_store_nothing(
    admin_client, admin_user, data
):
    model, name, field = data.draw(
        st.sampled_from(admin_fields(admin_user)),
        label="field",
    )
    value = data.draw(hostile(field), label="value")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    before = stored_rows()

    response = admin_client.post(url, {name: value}, headers={"accept-language": "en"})

    stored = stored_rows() != before
    TALLY.record("admin forms", server_error=response.status_code >= 500, stored=stored)
    assert response.status_code == 200, (model, name, value)
    assert not stored, (model, name, value)
    form = response.context["adminform"].form
    assert (
        name in form.errors
        or (isinstance(field, TEXT) and form.cleaned_data.get(name) == value.strip())
        or isinstance(field, TICKED)
        # Left empty (forms strip whitespace, NEL included) where the column allows empty.
        or (field.blank and not value.strip())
    ), (model, name, value, form.errors.get(name))


def autocomplete_fields(user) -> list[tuple[str, str]]:
    """(add URL, field) for every autocomplete field of every add form, inlines' included."""
    request = RequestFactory().get("/")
    request.user = user
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS or not model_admin.has_add_permission(request):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        found += [(url, name) for name in model_admin.get_autocomplete_fields(request)]
        for inline in model_admin.get_inline_instances(request):
            prefix = inline.get_formset(request).get_default_prefix()
            found += [(url, f"{prefix}-0-{n}") for n in inline.get_autocomplete_fields(request)]
    return found


@pytest.mark.parametrize("value", ["NaN", "1.5", "99999999999999999999", "1e400", "\x00"])
def test_an_autocomplete_field_given_a_value_that_is_no_id_shows_the_form_again(
    admin_client, admin_user, value
):
    fields = autocomplete_fields(admin_user)
    assert len(fields) >= 10

    for url, name in fields:
        prefix = name.rpartition("-0-")[0]
        management = (
            {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"} if prefix else {}
        )
        response = admin_client.post(url, {name: value, **management})

        assert response.status_code == 200, (url, name)


@pytest.fixture
def uploads(programme, admin_user):
    """Each form page of ours that is not a model's add form: user, URL, form, good fields,
    the file it takes (if any) and the status of a refusal."""
    upstream = Region.objects.get(code=UPSTREAM)
    agreement = Agreement.objects.create(programme=programme, name="新安江", rule="water-quality")
    AgreementParty.objects.create(agreement=agreement, region=upstream, side="upstream")
    operator = UserFactory(username="operator", group=OPERATOR)
    OperatorAssignment.objects.create(user=operator, region=upstream)
    plan = PlanningVersion.objects.create(
        region=upstream, version=9, name="plan", effective_from=date(2026, 1, 1)
    )
    return {
        "monitoring": (
            operator,
            reverse("portal:monitoring", args=[UPSTREAM]),
            MonitoringUploadForm,
            {"agreement": agreement.pk, "sheet": ""},
            ("means.csv", GOOD_MONITORING),
            400,
        ),
        "spatial": (
            admin_user,
            reverse("admin:pilots_importbatch_upload"),
            SpatialUploadForm,
            {"kind": "zones", "planning_version": plan.pk},
            ("zones.geojson", (BAD_INPUTS / "script_and_sql_in_names.geojson").read_bytes()),
            400,
        ),
        "start a run": (
            admin_user,
            reverse("admin:compensation_settlementrun_start"),
            StartRunForm,
            {
                "programme": programme.pk,
                "period": "2024",
                "scenario": "on",
                "overrides": "{}",
                "reason": "what if",
            },
            None,
            200,
        ),
    }


@SETTINGS
@given(data=st.data())
def test_hostile_values_in_upload_forms_are_form_errors_and_store_nothing(client, uploads, data):
    page = data.draw(st.sampled_from(sorted(uploads)), label="page")
    user, url, form_class, fields, upload, refusal = uploads[page]
    form_fields = {
        n: f
        for n, f in form_class.base_fields.items()
        if not isinstance(f, forms.FileField | forms.BooleanField)
    }
    field = data.draw(st.sampled_from(sorted(form_fields)), label="field")
    value = data.draw(form_hostile(form_fields[field]), label="value")
    client.force_login(user)
    before = stored_rows()
    with transaction.atomic():
        response = client.post(
            url,
            {**fields, field: value, **({"file": SimpleUploadedFile(*upload)} if upload else {})},
            headers={"accept-language": "en"},
        )
        stored = stored_rows() != before
        refused = response.status_code == refusal
        TALLY.record(
            "upload forms", server_error=response.status_code >= 500, stored=refused and stored
        )
        assert response.status_code in (302, refusal), (page, field, value)
        assert not (refused and stored), (page, field, value)
        if refused:
            form = response.context["form"]
            assert field in form.errors or not form.errors, (page, field, form.errors)
        transaction.set_rollback(True)
