"""Forms of the chart's clinical screens: referrals with their code groups, a diagnosis, a plan of
care with its goals, a certification and a delivery (ADR 0521). Field problems are messages
next to the field; the actions check again and have the last word."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django import forms

from cleannote.apps.patients.chart_forms import reason_field
from cleannote.apps.patients.diagnoses import validate_code_shapes
from cleannote.apps.patients.forms import DATE, ReferralDiagnosesForm
from cleannote.apps.patients.models import (
    REFERRER_FIELDS,
    AuthorizedCodeGroup,
    Goal,
    GoalStatus,
    PlanDelivery,
    PlanOfCare,
    Referral,
    validate_code_group,
)
from cleannote.platform.request_params import SaneDatesMixin
from cleannote.rules.visit import CertificationKind, GoalKind

GROUP_ROWS = 3
GOAL_ROWS = 6


F = TypeVar("F", bound=forms.Form)


def _row_forms(
    form_class: type[F],
    data: Any,
    prefix: str,
    initial: list[dict[str, Any]],
    *,
    at_least: int,
    spare: int,
) -> list[F]:
    """One form per row there is (`initial`) and `spare` empty ones, `at_least` in all: the
    page shows a plain grid of rows (`prefix-0`, `prefix-1`, ...), no script adds them."""
    count = max(at_least, len(initial) + spare)
    return [
        form_class(data, prefix=f"{prefix}-{i}", initial=initial[i] if i < len(initial) else None)
        for i in range(count)
    ]


def _reason_help(form: forms.BaseForm, example: str, *, required: bool) -> None:
    field = form.fields["reason"]
    field.required = required
    field.help_text = f"Kept in the audit log with your name, e.g. “{example}”."


class ReferralChartForm(ReferralDiagnosesForm):
    diagnoses_text = forms.CharField(
        label="Diagnoses on the order",
        required=False,
        help_text="As the referrer wrote them, e.g. M54.50, M25.561; the case's list is "
        "corrected on its diagnoses screen.",
    )
    reason = reason_field()

    class Meta:
        model = Referral
        fields = (
            *REFERRER_FIELDS,
            "referral_date",
            "expires_on",
            "received_on",
            "authorization_number",
            "authorized_visits",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "referral_date": DATE,
            "expires_on": DATE,
            "received_on": DATE,
        }
        labels: ClassVar[dict[str, str]] = {
            "provider_first_name": "Referrer's first name",
            "provider_last_name": "Referrer's last name",
            "provider_npi": "Referrer's NPI",
        }

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _reason_help(self, "payer approved 12 more visits", required=reason_required)
        if self.instance.pk is not None or self.initial.get("diagnoses_text") is None:
            self.initial.setdefault("diagnoses_text", ", ".join(self.instance.diagnoses or []))

    def check_codes(self, codes: list[str]) -> None:
        validate_code_shapes(codes)


class CodeGroupForm(forms.Form):
    """One row of an authorization's limits: a group of codes and its visits and/or units."""

    label = forms.CharField(max_length=60, required=False)
    codes = forms.CharField(
        required=False, help_text="Procedure codes separated by spaces; empty for every code."
    )
    visits = forms.IntegerField(min_value=1, max_value=999, required=False)
    units = forms.IntegerField(min_value=1, max_value=9999, required=False)

    def clean_codes(self) -> list[str]:
        codes = [
            c.strip().upper()
            for c in (self.cleaned_data.get("codes") or "").replace(",", " ").split()
            if c.strip()
        ]
        validate_code_group(codes)
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("codes") and data.get("visits") is None and data.get("units") is None:
            self.add_error("visits", "give the visits or the units authorized for these codes")
        return data

    def group(self) -> AuthorizedCodeGroup | None:
        data = self.cleaned_data
        if data.get("visits") is None and data.get("units") is None:
            return None
        return AuthorizedCodeGroup(
            label=data.get("label") or "",
            codes=data.get("codes") or [],
            visits=data.get("visits"),
            units=data.get("units"),
        )


_GROUP_COLUMNS = {"label": "Label", "codes": "Codes", "visits": "Visits", "units": "Units"}


def group_forms(data: Any, groups: list[AuthorizedCodeGroup] | None = None) -> list[CodeGroupForm]:
    rows = list(groups or [])
    initial = [
        {"label": g.label, "codes": " ".join(g.codes), "visits": g.visits, "units": g.units}
        for g in rows
    ]
    forms_ = _row_forms(CodeGroupForm, data, "group", initial, at_least=GROUP_ROWS, spare=1)
    # The rows sit in a table whose column headers are not labels: each input names its
    # column and row, as the note editor's objective rows do.
    for row, form in enumerate(forms_, start=1):
        for name, column in _GROUP_COLUMNS.items():
            form.fields[name].widget.attrs["aria-label"] = f"{column}, group {row}"
    return forms_


class DiagnosisForm(SaneDatesMixin, forms.Form):
    code = forms.CharField(label="ICD-10-CM code", max_length=10)
    onset_date = forms.DateField(label="Onset", required=False, widget=DATE)
    reason = reason_field()

    def __init__(self, *args: Any, reason_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _reason_help(self, "onset confirmed with the referrer", required=reason_required)


class RemoveDiagnosisForm(forms.Form):
    reason = reason_field("Why remove it")


class PlanForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    reason = reason_field()

    class Meta:
        model = PlanOfCare
        fields = (
            "start_date",
            "certified_through",
            "frequency_per_week",
            "duration_weeks",
            "interventions",
            "certifier_name",
            "certifier_npi",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "start_date": DATE,
            "certified_through": DATE,
            "interventions": forms.Textarea(attrs={"rows": 3}),
        }
        labels: ClassVar[dict[str, str]] = {
            "frequency_per_week": "Visits per week",
            "duration_weeks": "For weeks",
            "certifier_name": "Physician/NPP who certifies",
            "certifier_npi": "Physician/NPP NPI",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "certified_through": "Recertification is due by day 90 or the plan's end, "
            "whichever comes first.",
            "interventions": "Type and amount: e.g. therapeutic exercise, manual therapy, "
            "gait training, home programme.",
        }

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _reason_help(self, "re-evaluation: slower progress", required=reason_required)


class GoalForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(max_length=300, required=False, label="Goal")
    kind = forms.ChoiceField(
        choices=[(k.value, k.value.capitalize()) for k in GoalKind], required=False
    )
    baseline = forms.CharField(max_length=80, required=False)
    target = forms.CharField(max_length=80, required=False)
    status = forms.ChoiceField(
        choices=GoalStatus.choices, initial=GoalStatus.ACTIVE, required=False
    )

    def goal(self, existing: dict[int, Goal]) -> Goal | None:
        data = self.cleaned_data
        if not (data.get("text") or "").strip():
            return None
        goal = existing.get(data.get("id") or 0) or Goal()
        goal.text = data["text"].strip()
        goal.kind = data.get("kind") or GoalKind.FUNCTIONAL.value
        goal.baseline = data.get("baseline") or ""
        goal.target = data.get("target") or ""
        goal.status = data.get("status") or GoalStatus.ACTIVE
        return goal


def goal_forms(data: Any, goals: list[Goal], *, keep_ids: bool) -> list[GoalForm]:
    initial = [
        {
            "id": g.pk if keep_ids else None,
            "text": g.text,
            "kind": g.kind,
            "baseline": g.baseline,
            "target": g.target,
            "status": g.status,
        }
        for g in goals
    ]
    return _row_forms(GoalForm, data, "goal", initial, at_least=GOAL_ROWS, spare=2)


class CertificationForm(SaneDatesMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Certified by",
        choices=[
            (CertificationKind.SIGNED.value, "The physician/NPP signed and dated the plan"),
            (
                CertificationKind.SIGNED_ORDER.value,
                "A signed order on file (plan sent within 30 days; since 2025)",
            ),
            (
                CertificationKind.DELAYED.value,
                "Delayed certification: signed late, with the reason",
            ),
        ],
        widget=forms.RadioSelect,
        initial=CertificationKind.SIGNED.value,
    )
    signed_on = forms.DateField(label="Physician/NPP signed on", required=False, widget=DATE)
    order_signed_on = forms.DateField(label="Signed order dated", required=False, widget=DATE)
    delay_reason = forms.CharField(
        label="Why the signature came late", max_length=300, required=False
    )
    certifier_name = forms.CharField(label="Physician/NPP", max_length=95, required=False)
    certifier_npi = forms.CharField(label="NPI", max_length=10, required=False)


class DeliveryForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PlanDelivery
        fields = ("sent_on", "method", "recipient", "reference")
        widgets: ClassVar[dict[str, Any]] = {"sent_on": DATE}
