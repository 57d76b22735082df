"""The patient's paperwork in the portal (ADR 0960): intake forms to answer, consents to sign,
and Advance Beneficiary Notices to read and sign with an option. Every page shows only the
record being viewed (`request.portal.patient`); a row of another patient answers 404. The
intake app's actions write the rows and their audit rows, as the portal's account."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from cleannote.apps.audit.actions import Actor
from cleannote.apps.intake.actions import (
    do_sign_consent,
    do_sign_notice,
    do_submit_response,
    response_fields,
)
from cleannote.apps.intake.errors import IntakeRefused
from cleannote.apps.intake.models import (
    AdvanceNotice,
    ConsentKind,
    IntakeResponse,
    NoticeStatus,
    ResponseStatus,
)
from cleannote.apps.intake.selectors import (
    consent_states,
    notices_of,
    open_responses,
    signed_responses,
)
from cleannote.apps.patients.models import Patient
from cleannote.apps.portal.pages import Portal, portal_page, portal_render
from cleannote.apps.portal.session import put_notice
from cleannote.rules.beneficiary_notices import NOTICE_OPTION_WORDS


def _portal(request: HttpRequest) -> Portal:
    return request.portal  # type: ignore[attr-defined, no-any-return]


def _patient(request: HttpRequest) -> Patient:
    return _portal(request).patient


def _actor(request: HttpRequest) -> Actor:
    return _portal(request).actor


@require_http_methods(["GET"])
@portal_page
def paperwork(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    notices = notices_of(patient)
    return portal_render(
        request,
        "portal/intake/index.html",
        {
            "open_forms": open_responses(patient),
            "signed_forms": signed_responses(patient),
            "consents": consent_states(patient),
            "to_sign": [n for n in notices if n.status == NoticeStatus.OFFERED],
            "signed_notices": [n for n in notices if n.status == NoticeStatus.SIGNED],
        },
    )


@require_http_methods(["GET", "POST"])
@portal_page
def answer_form(request: HttpRequest, response_id: int) -> HttpResponse:
    response = (
        IntakeResponse.objects.filter(
            pk=response_id, patient=_patient(request), status=ResponseStatus.SENT
        )
        .select_related("version__form")
        .first()
    )
    if response is None:
        raise Http404("no such form")
    fields = response_fields(response)
    given: dict[str, list[str]] = {}
    problems: dict[str, str] = {}
    problem = ""
    signed_name = ""
    if request.method == "POST":
        given = {spec.key: request.POST.getlist(spec.key) for spec in fields}
        signed_name = request.POST.get("signed_name", "")
        try:
            do_submit_response(_actor(request), response, given, signed_name=signed_name)
        except IntakeRefused as exc:
            problems, problem = exc.problems, exc.message
        else:
            put_notice(request, f"Thank you: {response.version.form.name} is signed and sent.")
            return redirect("portal:paperwork")
    rows = [
        {
            "spec": spec,
            "values": given.get(spec.key, []),
            "problem": problems.get(spec.key, ""),
        }
        for spec in fields
    ]
    return portal_render(
        request,
        "portal/intake/form.html",
        {
            "response": response,
            "rows": rows,
            "problem": problem,
            "signed_name": signed_name,
        },
        status=400 if problem else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_page
def sign_consent(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ConsentKind.values:
        raise Http404("no such consent")
    patient = _patient(request)
    state = next((s for s in consent_states(patient) if s.kind == kind), None)
    if state is None:
        raise Http404("no such consent")
    problem = ""
    if request.method == "POST":
        try:
            do_sign_consent(
                _actor(request),
                patient,
                state.current,
                signed_name=request.POST.get("signed_name", ""),
                via="portal",
            )
        except IntakeRefused as exc:
            problem = exc.message
        else:
            put_notice(request, f"Thank you: {state.words} is signed.")
            return redirect("portal:paperwork")
    return portal_render(
        request,
        "portal/intake/consent.html",
        {"state": state, "problem": problem},
        status=400 if problem else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_page
def sign_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = AdvanceNotice.objects.filter(
        pk=notice_id, patient=_patient(request), status=NoticeStatus.OFFERED
    ).first()
    if notice is None:
        raise Http404("no such notice")
    problem = ""
    chosen = ""
    if request.method == "POST":
        chosen = request.POST.get("option", "")
        try:
            do_sign_notice(
                _actor(request),
                notice,
                option=int(chosen) if chosen.isdigit() else 0,
                signed_name=request.POST.get("signed_name", ""),
            )
        except IntakeRefused as exc:
            problem = exc.message
        else:
            put_notice(request, "Thank you: your choice on the notice is signed.")
            return redirect("portal:paperwork")
    return portal_render(
        request,
        "portal/intake/notice.html",
        {
            "notice": notice,
            "options": [(int(o), words) for o, words in NOTICE_OPTION_WORDS.items()],
            "chosen": chosen,
            "problem": problem,
        },
        status=400 if problem else 200,
    )
