"""The public side, mounted at /public/ (namespace "disclosure")."""

from django.urls import path

from disclosure import views
from disclosure.feeds import PublicationLogFeed
from disclosure.http import public

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("pilots/<int:pk>/", views.pilot, name="pilot"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("agreements/<int:pk>/", views.agreement, name="agreement"),
    path("credits/", views.credits, name="credits"),
    path("verify/", views.verify, name="verify"),
    path("log/", views.log, name="log"),
    path("log.atom", public(PublicationLogFeed()), name="feed"),
    path("log.<str:fmt>", views.log_file, name="log_file"),
    path("releases/<int:pk>/content.json", views.release_content, name="release_content"),
    path("releases/<int:pk>/<slug:table>.<str:fmt>", views.release_table, name="release_table"),
]
