from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("pilots/<int:pk>/", views.dashboard, name="dashboard"),
    path("regions/<str:code>/", views.region_page, name="region"),
    path("regions/<str:code>/monitoring/", views.submit_monitoring, name="monitoring"),
    path("regions/<str:code>/reconciliation/", views.reconciliation, name="reconciliation"),
    path(
        "regions/<str:code>/recipients/<int:pk>/statement/",
        views.recipient_statement,
        name="recipient-statement",
    ),
    path(
        "regions/<str:code>/monitoring/template.csv",
        views.monitoring_template,
        name="monitoring-template",
    ),
]
