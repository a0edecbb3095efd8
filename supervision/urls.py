from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("regions/<str:code>/evaluation/<int:year>/", views.evaluation_page, name="evaluation"),
    path(
        "regions/<str:code>/evaluation/<int:year>.pdf", views.evaluation_pdf, name="evaluation_pdf"
    ),
    path("regions/<str:code>/export.gpkg", views.export_geopackage, name="export_gpkg"),
    path("regions/<str:code>/export/<str:layer>.geojson", views.export_geojson, name="export"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge_alert, name="acknowledge"),
]
