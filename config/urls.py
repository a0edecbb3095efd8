from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from config.twofactor import TwoFactorLoginForm, two_factor

admin.site.login_form = TwoFactorLoginForm
handler404 = "api.errors.not_found"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("statements/", include("compensation.urls")),
    path("account/two-factor/", two_factor, name="two_factor"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("supervision/", include("supervision.urls")),
    path("public/", include("disclosure.urls")),
    path("", include("portal.urls")),
]
