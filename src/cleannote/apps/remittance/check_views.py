"""The paper-check screen (ADR 0750) and one file's or check's postings. Billers and owners.

The check screen lists the claims of one payer still waiting for an answer (in a batch,
accepted, partially paid), each line with boxes for allowed, paid and adjustments; a claim
whose boxes are all empty is not on the check. On a refusal the screen comes back with what
was typed and every place the entry is off, so the biller fixes it in place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cleannote.apps.claims.models import Claim, ClaimStatus
from cleannote.apps.organisations.access import actor_of, staff_view
from cleannote.apps.organisations.roles import Capability
from cleannote.apps.remittance.errors import RemittanceError
from cleannote.apps.remittance.manual_posting import (
    EnteredCheck,
    EnteredClaim,
    EnteredLine,
    do_post_manual_check,
    parse_adjustments,
)
from cleannote.apps.remittance.models import ClaimPosting, EraFile

WAITING = (ClaimStatus.IN_BATCH, ClaimStatus.ACCEPTED, ClaimStatus.PARTIALLY_PAID)
PAGE_SIZE = 60


def _payers(organisation_id: int) -> list[str]:
    return sorted(
        set(
            Claim.objects.filter(organisation_id=organisation_id, status__in=WAITING)
            .values_list("payer_name", flat=True)
            .distinct()
        )
    )


def _claims(organisation_id: int, payer: str) -> list[Claim]:
    if not payer:
        return []
    return list(
        Claim.objects.filter(organisation_id=organisation_id, status__in=WAITING, payer_name=payer)
        .select_related("patient")
        .prefetch_related("lines")
        .order_by("date_of_service", "id")[:PAGE_SIZE]
    )


def _money(text: str, where: str, *, required: bool) -> Decimal | None:
    text = text.strip().replace(",", "").removeprefix("$")
    if not text:
        if required:
            raise RemittanceError(where, "enter an amount such as 80.00")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RemittanceError(where, f"{text[:12]!r} is not an amount such as 80.00") from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise RemittanceError(where, "enter an amount to the cent, such as 80.00")
    return value


def _entered(data: QueryDict, claims: list[Claim]) -> EnteredCheck:
    """What the biller typed, as an `EnteredCheck`; a box that is not an amount or an
    adjustment is refused naming its claim and line."""
    total = _money(data.get("total", ""), "check total", required=True)
    try:
        paid_on = dt.date.fromisoformat(data.get("paid_on", ""))
    except ValueError:
        raise RemittanceError("check date", "enter the date on the check") from None
    entered = []
    for claim in claims:
        lines = []
        for line in claim.lines.all():
            where = f"claim {claim.pk}, line {line.number}"
            paid_text = data.get(f"l{line.pk}_paid", "")
            adjustments_text = data.get(f"l{line.pk}_adj", "")
            allowed_text = data.get(f"l{line.pk}_allowed", "")
            if not (paid_text.strip() or adjustments_text.strip() or allowed_text.strip()):
                continue
            lines.append(
                EnteredLine(
                    line.pk,
                    _money(paid_text or "0", f"{where} paid", required=True) or Decimal("0"),
                    _money(allowed_text, f"{where} allowed", required=False),
                    parse_adjustments(adjustments_text, f"{where} adjustments"),
                )
            )
        if lines:
            entered.append(
                EnteredClaim(claim.pk, tuple(lines), data.get(f"c{claim.pk}_number", "")[:50])
            )
    assert total is not None
    return EnteredCheck(
        payer_name=data.get("payer", ""),
        check_number=data.get("check_number", "").strip()[:50],
        paid_on=paid_on,
        total=total,
        claims=tuple(entered),
    )


def _rows(claims: list[Claim], data: QueryDict) -> list[dict[str, object]]:
    """Each claim with its lines and what was typed in their boxes (kept on a refusal)."""
    return [
        {
            "claim": claim,
            "number": data.get(f"c{claim.pk}_number", ""),
            "lines": [
                {
                    "line": line,
                    "allowed": data.get(f"l{line.pk}_allowed", ""),
                    "paid": data.get(f"l{line.pk}_paid", ""),
                    "adj": data.get(f"l{line.pk}_adj", ""),
                }
                for line in claim.lines.all()
            ],
        }
        for claim in claims
    ]


@staff_view(Capability.POST_PAYMENTS)
@require_http_methods(["GET", "POST"])
def post_check(request: HttpRequest) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    data = request.POST if request.method == "POST" else request.GET
    payer = data.get("payer", "")
    payers = _payers(organisation.pk)
    claims = _claims(organisation.pk, payer) if payer in payers else []
    problems: list[str] = []
    if request.method == "POST":
        try:
            era = do_post_manual_check(actor_of(request), _entered(request.POST, claims))
        except RemittanceError as error:
            if error.problem.startswith("does not balance: "):
                problems = error.problem.removeprefix("does not balance: ").split("; ")
                problems.insert(0, f"Not saved: check {data.get('check_number', '')} does not "
                                   "balance. Nothing was posted.")  # fmt: skip
            else:
                problems = [f"Not saved: {error}"]
        else:
            messages.success(
                request, f"Posted check {era.trace_number} for ${era.payment_amount:,.2f}."
            )
            return redirect("remittance:file", era.pk)
    return render(
        request,
        "remittance/check.html",
        {
            "payers": payers,
            "payer": payer,
            "claims": claims,
            "rows": _rows(claims, data),
            "data": data,
            "problems": problems,
            "today": timezone.localdate().isoformat(),
        },
        status=400 if problems else 200,
    )


@staff_view(Capability.POST_PAYMENTS)
def era_detail(request: HttpRequest, era_id: int) -> HttpResponse:
    organisation = request.staff.organisation  # type: ignore[attr-defined]
    era = EraFile.objects.filter(organisation=organisation, pk=era_id).first()
    if era is None:
        raise Http404("no such remittance")
    postings = list(
        ClaimPosting.objects.filter(era_file=era)
        .select_related("claim__patient")
        .prefetch_related("lines__claim_line")
    )
    return render(request, "remittance/file.html", {"era": era, "postings": postings})
