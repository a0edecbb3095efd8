"""Compensation's own pages outside the admin: statement downloads (mounted at statements/).

The route keeps its global name "statement_file" (no namespace), as links and
tests reverse it.
"""

from django.urls import path

from compensation.views import statement_file

urlpatterns = [
    path("<int:pk>/<str:fmt>/", statement_file, name="statement_file"),
]
