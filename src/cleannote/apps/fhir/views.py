"""The FHIR R4 endpoints under /fhir/r4/: metadata, read by id, search (ADR 0910).

Every answer is `application/fhir+json`; every refusal is an OperationOutcome with the HTTP
status that says why (401 without a valid token, 403 without the read scope, 404 for what
this organisation does not hold, 400 for a parameter the facade cannot read). Each read and
search of patient data writes an audit row naming the patients shown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.fhir import capability
from cleannote.apps.fhir.search import RESOURCE_TYPES, SearchError, included, read, search
from cleannote.apps.organisations.api_tokens import (
    ApiRefused,
    TokenAccess,
    TokenScope,
    authenticate_api_request,
)

FHIR_JSON = "application/fhir+json"


def fhir_response(body: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, separators=(",", ":")), status=status, content_type=FHIR_JSON
    )
    return response


# An API refusal's status as an OperationOutcome issue type.
_REFUSAL_ISSUE = {401: "login", 403: "forbidden", 429: "throttled"}


def outcome(status: int, code: str, message: str, where: str | None = None) -> HttpResponse:
    """An OperationOutcome with one error issue: `code` from FHIR's issue-type value set."""
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": message}
    if where:
        issue["expression"] = [where]
    response = fhir_response({"resourceType": "OperationOutcome", "issue": [issue]}, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def authorised(request: HttpRequest) -> TokenAccess | HttpResponse:
    """The request's token with the read scope (ADR 0900's one check), or the refusal as an
    OperationOutcome: 401 without a live token, 403 without the scope, 429 past its rate."""
    try:
        return authenticate_api_request(request, TokenScope.READ)
    except ApiRefused as refused:
        response = outcome(
            refused.status, _REFUSAL_ISSUE.get(refused.status, "security"), refused.message
        )
        if refused.retry_after is not None:
            response["Retry-After"] = str(refused.retry_after)
        return response


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability.capability_statement(request.build_absolute_uri("/fhir/r4")))


@require_GET
def search_view(request: HttpRequest, resource_type: str) -> HttpResponse:
    grant = authorised(request)
    if isinstance(grant, HttpResponse):
        return grant
    resource = RESOURCE_TYPES.get(resource_type)
    if resource is None:
        return outcome(404, "not-supported", f"{resource_type!r} is not a resource type served")
    parameters = {name: request.GET.getlist(name) for name in request.GET}
    try:
        page = search(resource, grant.organisation, parameters)
        extra = included(resource, grant.organisation, page, parameters)
    except SearchError as error:
        return outcome(400, "invalid", str(error), error.parameter)
    shown = sorted({f.patient_id for f in [*page.found, *extra] if f.patient_id})
    if resource.patient_data or shown:
        do_record_audit_event(
            grant.actor,
            AuditAction.SEARCH,
            f"fhir.{resource.name}",
            "",
            shown_patient_ids=shown,
            search_text=" ".join(parameters.get("name", [])) or None,
        )
    base = request.build_absolute_uri(request.path)
    kept = [(k, v) for k, values in parameters.items() if k != "_after" for v in values]
    links = [{"relation": "self", "url": _url(base, kept, request.GET.getlist("_after"))}]
    if page.next_after is not None:
        links.append({"relation": "next", "url": _url(base, kept, [page.next_after])})
    root = request.build_absolute_uri("/fhir/r4/")
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(),
    }
    if page.total is not None:
        bundle["total"] = page.total
    bundle["link"] = links
    bundle["entry"] = [
        {
            "fullUrl": f"{root}{found.resource['resourceType']}/{found.resource['id']}",
            "resource": found.resource,
            "search": {"mode": mode},
        }
        for mode, rows in (("match", page.found), ("include", extra))
        for found in rows
    ]
    return fhir_response(bundle)


def _url(base: str, kept: list[tuple[str, str]], after: Sequence[str]) -> str:
    query = kept + [("_after", value) for value in after[-1:]]
    return f"{base}?{urlencode(query)}" if query else base


@require_GET
def read_view(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    grant = authorised(request)
    if isinstance(grant, HttpResponse):
        return grant
    resource = RESOURCE_TYPES.get(resource_type)
    if resource is None:
        return outcome(404, "not-supported", f"{resource_type!r} is not a resource type served")
    found = read(resource, grant.organisation, resource_id)
    if found is None:
        return outcome(404, "not-found", f"{resource_type}/{resource_id} is not found")
    if resource.patient_data:
        do_record_audit_event(
            grant.actor,
            AuditAction.VIEW,
            f"fhir.{resource.name}",
            resource_id,
            patient_id=found.patient_id,
        )
    return fhir_response(found.resource)
