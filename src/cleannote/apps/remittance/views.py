"""Money-in pages: import an 835, the files imported, claim payments to match by hand,
postings that do not balance, denials by reason, write-offs over a date range,
underpayments. Billers and owners only."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.remittance import selectors
from cleannote.apps.remittance.actions import do_match_payment
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.forms import DateRangeForm, EraUploadForm, MatchForm
from cleannote.apps.remittance.tasks import import_835
from cleannote.platform.request_params import bounded_message, form_problem
from cleannote.platform.tasks import enqueue
from cleannote.rules.appeal_deadlines import APPEAL_WARNING_DAYS

PAGE_SIZE = 100


@staff_view(Capability.POST_PAYMENTS)
def era_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    files = list(selectors.era_files_with_counts(organisation)[:PAGE_SIZE])
    return render(request, "remittance/list.html", {"files": files, "form": EraUploadForm()})


@staff_view(Capability.POST_PAYMENTS)
@require_POST
def import_era(request: HttpRequest) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    form = EraUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"Nothing posted: {form_problem(form)}")
        return redirect("remittance:list")
    upload = form.cleaned_data["file"]
    try:
        queued = enqueue(
            import_835, staff.organisation.pk, upload.name, upload.read(), staff.user.pk
        )
    except RemittanceError as exc:
        messages.error(request, bounded_message(str(exc)))
    else:
        done = "queued for posting" if queued.job_id or queued.on_commit else "posted"
        messages.success(request, bounded_message(f"{upload.name} {done}."))
        if isinstance(queued.result, int):  # posted in process: say what did not match
            waiting = selectors.unmatched_payments(staff.organisation).filter(
                era_file_id=queued.result
            )
            if waiting.exists():
                messages.warning(
                    request,
                    bounded_message(
                        f"{waiting.count()} claim payment(s) of {upload.name} matched no claim: "
                        "see Unmatched and unbalanced."
                    ),
                )
    return redirect("remittance:list")


DENIALS_PAGE = 50


def _code(raw: str | None, longest: int) -> str:
    """A CARC or payer id from the address: letters, digits and dashes, else nothing."""
    raw = (raw or "").strip()
    ok = raw.isascii() and len(raw) <= longest and raw.replace("-", "").isalnum()
    return raw if ok else ""


@staff_view(Capability.POST_PAYMENTS)
def denials(request: HttpRequest) -> HttpResponse:
    """The denials worklist a page at a time (ADR 0836): every CARC's count and amount from
    one grouped query, then DENIALS_PAGE claims (the oldest determination first) with their
    reasons, remarks and appeal deadlines; the reason and payer filters stay in the address."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    reason = _code(request.GET.get("reason"), 5)
    payer = _code(request.GET.get("payer"), 80)
    after = selectors.DenialPageKey.decode(request.GET.get("after", ""))
    claim_ids, next_key = selectors.denied_claim_page(
        organisation, DENIALS_PAGE, reason=reason, payer_id=payer, after=after
    )
    groups = selectors.denials_worklist(
        organisation, timezone.localdate(), claim_ids=claim_ids, reason=reason
    )
    filters = {k: v for k, v in (("reason", reason), ("payer", payer)) if v}
    return render(
        request,
        "remittance/denials.html",
        {
            "groups": groups,
            "deadlines": selectors.by_appeal_deadline(groups),
            "warning_days": APPEAL_WARNING_DAYS,
            "reasons": selectors.denial_reason_counts(organisation, payer),
            "payers": selectors.payer_choices(organisation),
            "reason": reason,
            "payer": payer,
            "paged": after is not None,
            "first_url": "?" + urlencode(filters),
            "next_url": "?" + urlencode({**filters, "after": next_key.encode()})
            if next_key
            else "",
        },
    )


@staff_view(Capability.POST_PAYMENTS)
def write_offs(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    today = timezone.localdate()
    form = DateRangeForm(
        request.GET or {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    )
    rows = []
    if form.is_valid():
        start: dt.date = form.cleaned_data["start"]
        end: dt.date = form.cleaned_data["end"]
        rows = selectors.write_off_report(organisation, start, end)
    return render(
        request,
        "remittance/write_offs.html",
        {"form": form, "rows": rows, "total": sum(r.total for r in rows)},
    )


@staff_view(Capability.POST_PAYMENTS)
def underpayment_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    lines = list(selectors.underpayments(organisation)[:PAGE_SIZE])
    return render(request, "remittance/underpayments.html", {"lines": lines})


@staff_view(Capability.POST_PAYMENTS)
def unmatched_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    return render(
        request,
        "remittance/unmatched.html",
        {
            "payments": list(selectors.unmatched_payments(organisation)[:PAGE_SIZE]),
            "unbalanced": list(selectors.unbalanced_postings(organisation)[:PAGE_SIZE]),
            "form": MatchForm(),
        },
    )


@staff_view(Capability.POST_PAYMENTS)
@require_POST
def match_payment(request: HttpRequest, unmatched_id: int) -> HttpResponse:
    """Post one unmatched claim payment to the claim the biller names."""
    staff = request.staff  # type: ignore[attr-defined]
    organisation = staff.organisation
    unmatched = selectors.unmatched_payment(organisation, unmatched_id)
    if unmatched is None:
        raise Http404("no such unmatched payment")
    form = MatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name the claim: our claim number (CN…), its id or the payer's.")
        return redirect("remittance:unmatched")
    claim = selectors.claim_for_matching(organisation, form.cleaned_data["claim"])
    if claim is None:
        messages.error(request, "No claim of this organisation has that number.")
        return redirect("remittance:unmatched")
    try:
        do_match_payment(actor_of(request), unmatched, claim)
    except RemittanceError as exc:
        messages.error(request, str(exc))
        return redirect("remittance:unmatched")
    messages.success(
        request, f"Payment at segment {unmatched.segment_number} posted to claim {claim.pk}."
    )
    return redirect("claims:detail", claim.pk)
