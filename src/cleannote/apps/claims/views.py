"""The claims worklist, a claim's page with its actions, batches, and "bill this note".

Views check input and turn refusals into messages; actions decide and write. Every page that
shows a claim records a view in the audit log under the claim's patient.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cleannote.apps.audit.actions import do_record_audit_event
from cleannote.apps.audit.models import AuditAction
from cleannote.apps.claims import actions, selectors
from cleannote.apps.claims.access import biller_view
from cleannote.apps.claims.batching import do_build_batches
from cleannote.apps.claims.charge_views import sort_links
from cleannote.apps.claims.claim_form import claim_to_form
from cleannote.apps.claims.errors import ClaimError, ClaimRefusedError
from cleannote.apps.claims.fees import expected_allowed
from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.claims.selectors import aged_from
from cleannote.apps.claims.tasks import build_and_file_batch, file_built_batches
from cleannote.apps.notes.selectors import note_detail
from cleannote.apps.organisations.access import actor_of
from cleannote.forms.cms1500 import FormError, FormMode, render_cms1500
from cleannote.platform.request_params import param_choice, param_id, param_text
from cleannote.platform.tasks import enqueue
from cleannote.rules.findings import Severity

REASON_MAX = 300  # Claim.reason's length


WORKLIST_SORT_CHOICES = [*selectors.WORKLIST_SORTS, *(f"-{k}" for k in selectors.WORKLIST_SORTS)]
AGE_BUCKET_CHOICES = [label for label, _, _ in selectors.AGE_BUCKETS]


@biller_view
def worklist(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    status = param_choice(request.GET, "status", ClaimStatus.values)
    payer = param_text(request.GET, "payer", max_length=80)
    location = param_id(request.GET, "location")
    age = param_choice(request.GET, "age", AGE_BUCKET_CHOICES)
    sort = param_choice(request.GET, "sort", WORKLIST_SORT_CHOICES) or "date"
    today = timezone.localdate()
    claims = list(
        selectors.worklist(
            organisation, status=status, payer_id=payer, location_id=location,
            age_bucket=age, today=today, sort=sort,
        )
    )  # fmt: skip
    routed = selectors.routed_profiles(organisation, [c.pk for c in claims])
    for claim in claims:
        claim.age_days = (today - aged_from(claim)).days  # type: ignore[attr-defined]
        claim.routed = routed.get(claim.pk)  # type: ignore[attr-defined]
    do_record_audit_event(
        actor_of(request),
        AuditAction.LIST,
        "claims",
        "worklist",
        shown_patient_ids=sorted({c.patient_id for c in claims}),
    )
    return render(
        request,
        "claims/worklist.html",
        {
            "claims": claims,
            "statuses": ClaimStatus.choices,
            "payers": selectors.payers_billed(organisation),
            "locations": organisation.locations.all(),
            "age_buckets": AGE_BUCKET_CHOICES,
            "status": status,
            "payer": payer,
            "location": location,
            "age": age,
            "sort": sort,
            "sort_links": sort_links(request.GET, sort, selectors.WORKLIST_SORTS),
        },
    )


def _claim_or_404(request: HttpRequest, claim_id: int) -> Claim:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    claim = selectors.claim_detail(organisation, claim_id)
    if claim is None:
        raise Http404("no such claim")
    return claim


@biller_view
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim_or_404(request, claim_id)
    do_record_audit_event(
        actor_of(request), AuditAction.VIEW, "claim", claim.pk, patient_id=claim.patient_id
    )
    expected = expected_allowed(claim)
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "settlement": selectors.settlement_of(claim),
            "lines": [(line, expected.get(line.pk)) for line in claim.lines.all()],
        },
    )


@biller_view
def cms1500(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The claim on a CMS-1500: `mode=full` draws the form on plain paper, `mode=data_only`
    prints only the data for pre-printed red forms. Box 31 is signed today."""
    claim = _claim_or_404(request, claim_id)
    try:
        mode = FormMode(request.GET.get("mode", FormMode.FULL.value))
    except ValueError:
        return HttpResponseBadRequest("mode must be full or data_only")
    try:
        pdf = render_cms1500([claim_to_form(claim)], mode=mode, printed_on=timezone.localdate())
    except FormError as exc:
        messages.error(request, f"No CMS-1500: {exc}")
        return redirect("claims:detail", claim.pk)
    do_record_audit_event(
        actor_of(request), AuditAction.EXPORT, "claim", claim.pk, patient_id=claim.patient_id
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"cms1500-{claim.patient_control_number or claim.pk}-{mode.value}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _act(
    request: HttpRequest, claim_id: int, act: Callable[[Claim], Claim | None], done: str
) -> HttpResponse:
    claim = _claim_or_404(request, claim_id)
    try:
        result = act(claim)
    except ClaimError as exc:
        messages.error(request, str(exc))
        return redirect("claims:detail", claim.pk)
    messages.success(request, done)
    return redirect("claims:detail", result.pk if result is not None else claim.pk)


def _claim_action(
    action: Callable[..., Claim], done: str, *, with_reason: bool = False
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST that runs one action on the claim and returns to the page of the claim it gives,
    saying `done`; `with_reason` passes the form's reason (at most REASON_MAX characters)."""

    @require_POST
    @biller_view
    def view(request: HttpRequest, claim_id: int) -> HttpResponse:
        extra = {}
        if with_reason:
            extra["reason"] = param_text(request.POST, "reason", max_length=REASON_MAX)
        return _act(request, claim_id, lambda c: action(actor_of(request), c, **extra), done)

    view.__name__ = view.__qualname__ = action.__name__.removeprefix("do_")
    return view


mark_ready = _claim_action(actions.do_mark_ready, "Claim marked ready to send.")
corrected = _claim_action(
    actions.do_create_corrected_claim,
    "Corrected claim (frequency 7) created as a draft.",
    with_reason=True,
)
void = _claim_action(
    actions.do_void_claim, "Void claim (frequency 8) created as a draft.", with_reason=True
)
secondary = _claim_action(actions.do_create_secondary_claim, "Secondary claim created as a draft.")
split = _claim_action(actions.do_split_claim, "Denied lines split onto a new draft claim.")


@require_POST
@biller_view
def build_batch(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Build and file a batch of this claim (in the background when a queue is configured)."""
    staff = request.staff  # type: ignore[attr-defined]

    def act(claim: Claim) -> Claim:
        if claim.status != ClaimStatus.READY:
            raise ClaimError(f"claim {claim.pk}", f"is {claim.status}; mark it ready first")
        enqueue(build_and_file_batch, staff.organisation_id, [claim.pk], staff.user_id)
        return claim

    return _act(request, claim_id, act, "Batch requested: the 837P goes to the outbox.")


@require_POST
@biller_view
def create_from_note(request: HttpRequest, note_id: int) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    note = note_detail(staff.organisation, note_id)
    if note is None:
        raise Http404("no such note")
    billed = set(selectors.claims_of_note(staff.organisation, note.pk).values_list("pk", flat=True))
    try:
        claim = actions.do_create_claim_from_note(actor_of(request), note)
    except ClaimRefusedError as exc:
        messages.error(request, f"No claim: {exc.problem}.")
        for finding in exc.findings:
            if finding.severity is Severity.ERROR:
                messages.error(request, f"{finding.rule}: {finding.message} Fix: {finding.fix}")
        return redirect("notes:detail", note.pk)
    except ClaimError as exc:
        messages.error(request, str(exc))
        return redirect("notes:detail", note.pk)
    if claim.pk in billed:
        messages.info(
            request, f"This note is already billed to {claim.payer_name}: this is its claim."
        )
    else:
        messages.success(request, "Draft claim created.")
    return redirect("claims:detail", claim.pk)


@require_POST
@biller_view
def build_batches(request: HttpRequest) -> HttpResponse:
    """The worklist's "Build batches": the ticked ready claims, one 837P per clearinghouse route
    and payer (ADR 0711, 0707)."""
    ids = [param_id({"claim": raw}, "claim") for raw in request.POST.getlist("claim")]
    claim_ids = [i for i in ids if i is not None]
    if not claim_ids:
        messages.error(request, "No batch built: tick at least one ready claim.")
        return redirect("claims:worklist")
    actor = actor_of(request)
    try:
        outcome = do_build_batches(actor, claim_ids)
        file_built_batches(actor, outcome.batches)
    except ClaimError as exc:
        messages.error(request, f"No batch built: {exc}")
        return redirect("claims:worklist")
    if outcome.batches:
        messages.success(
            request,
            f"{len(outcome.batches)} batch(es) of {len(outcome.batched)} claim(s) built, "
            "one per clearinghouse and payer.",
        )
    for claim_id, why in sorted(outcome.skipped.items()):
        messages.error(request, f"Claim {claim_id} left out: {why}.")
    return redirect("claims:batches" if outcome.batches else "claims:worklist")


@biller_view
def batch_list(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    batches = selectors.batches_listed(organisation)[:100]
    return render(request, "claims/batches.html", {"batches": batches})


@biller_view
def batch_file(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The 837P as stored, for a biller to download or hand to a clearinghouse portal."""
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    batch = selectors.batch_detail(organisation, batch_id)
    if batch is None:
        raise Http404("no such batch")
    actor = actor_of(request)
    for entry in batch.entries.all():
        do_record_audit_event(
            actor, AuditAction.EXPORT, "claim", entry.claim_id, patient_id=entry.claim.patient_id
        )
    response = HttpResponse(batch.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{batch.file_name}"'
    return response
