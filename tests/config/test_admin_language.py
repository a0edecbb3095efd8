import html
import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import translation

from config.roles import FINANCE, OUR_APPS
from pilots.models import PilotProgramme

pytestmark = pytest.mark.django_db


def test_admin_login_is_in_simplified_chinese_by_default(client):
    response = client.get("/admin/login/")

    content = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "碳汇生态保护补偿" in content
    assert "登录" in content


def test_admin_login_follows_an_english_browser(client):
    response = client.get("/admin/login/", headers={"accept-language": "en"})

    content = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Tanhui ecological compensation" in content
    assert "Log in" in content


def test_language_switch_to_english_sticks(client):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    response = client.get("/admin/login/")

    assert switched.status_code == 302
    assert switched["Location"] == "/admin/login/"
    assert response["Content-Language"] == "en"
    assert "Tanhui ecological compensation" in response.content.decode()


def test_app_names_are_translated(admin_client):
    from django.apps import apps

    with translation.override("zh-hans"):
        names = {app.label: str(app.verbose_name) for app in apps.get_app_configs()}

    assert names["pilots"] == "试点区域"
    assert names["compensation"] == "生态保护补偿"
    assert names["ledger"] == "账簿"


def test_role_groups_read_in_the_readers_language(admin_client):
    page = admin_client.get("/admin/auth/group/").content.decode()

    roles = ("财政部门人员", "生态环境部门人员", "试点运营人员", "审计人员")
    assert all(name in page for name in roles)


def permission_options(page: str) -> list[str]:
    listed = re.search(r'<select name="permissions".*?</select>', page, re.S)
    return [html.unescape(o) for o in re.findall(r"<option [^>]*>([^<]*)</option>", listed[0])]


def test_a_role_s_permissions_read_in_the_readers_language_and_are_only_ours(admin_client):
    group = Group.objects.get(name=FINANCE)
    url = f"/admin/auth/group/{group.pk}/change/"

    chinese = permission_options(admin_client.get(url).content.decode())
    english = permission_options(
        admin_client.get(url, headers={"accept-language": "en"}).content.decode()
    )

    assert "试点区域 | 区域 | 可以新增区域" in chinese  # pilots | zone | add_zone
    assert "生态保护补偿 | 结算 | 可以发起并计算结算" in chinese  # start_settlementrun
    assert not [o for o in chinese if "Can " in o]
    assert "Pilot regions | zone | Can add zone" in english
    with translation.override("en"):
        ours = {str(apps.get_app_config(a).verbose_name) for a in (*OUR_APPS, "auditlog")}
    assert {o.split(" | ")[0] for o in english} == ours  # no token, task or device permissions


def test_the_audit_log_summarises_a_change_by_the_fields_names(admin_client):
    programme = PilotProgramme.objects.create(
        name="试点", start_date=date(2024, 1, 1), end_date=date(2026, 12, 31)
    )
    programme.status = PilotProgramme.Status.ACTIVE
    programme.end_date = date(2027, 12, 31)
    programme.save()

    page = admin_client.get("/admin/auditlog/logentry/").content.decode()
    assert "2 处修改：状态、结束日期" in page
    assert "changes:" not in page
