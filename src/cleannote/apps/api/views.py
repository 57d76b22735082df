from django.http import HttpRequest, HttpResponse

from cleannote.apps.api.errors import error_response


def unknown_path(request: HttpRequest) -> HttpResponse:
    return error_response(404, "not_found", "no such API address")
