import pytest

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
    from django.utils import translation

    with translation.override("zh-hans"):
        names = {app.label: str(app.verbose_name) for app in apps.get_app_configs()}

    assert names["pilots"] == "试点区域"
    assert names["compensation"] == "生态保护补偿"
    assert names["ledger"] == "账簿"
