from django.urls import path, re_path

from cleannote.apps.api import views
from cleannote.apps.api.api import api

urlpatterns = [
    path("v1/", api.urls),
    # Anything else under /api/ is a JSON 404, never the HTML page.
    re_path(r"^.*$", views.unknown_path),
]
