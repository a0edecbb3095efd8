from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("zones", views.ZoneViewSet, basename="zone")
router.register("runs", views.RunViewSet, basename="run")
router.register("statements", views.StatementViewSet, basename="statement")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
