"""Forms for keeping a chart current: the registration forms' fields and checks, plus the
fields only a chart edit has, and the reason every change asks for (ADR 0501)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from cleannote.apps.patients.chart_actions import REASON_LIMIT
from cleannote.apps.patients.forms import DATE, CaseForm, CoverageForm, PatientForm
from cleannote.apps.patients.models import (
    DISCHARGE_REASONS,
    PATIENT_CONTACT_FIELDS,
    CaseClosure,
    Coverage,
    Patient,
)
from cleannote.platform.request_params import SaneDatesMixin
from cleannote.rules.visit import PayerKind


def reason_field(label: str = "Why this change") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_LIMIT,
        help_text="Kept in the audit log with your name, e.g. “new card at check-in”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DemographicsForm(PatientForm):
    """Registration's patient fields (and its birth-date check), contact and consent."""

    reason = reason_field()

    class Meta(PatientForm.Meta):
        model = Patient
        fields: tuple[str, ...] = (  # type: ignore[assignment]
            *PatientForm.Meta.fields,
            "preferred_name",
            "pronouns",
            *PATIENT_CONTACT_FIELDS,
        )
        widgets: ClassVar[dict[str, Any]] = {
            **PatientForm.Meta.widgets,
            "sms_consent_on": DATE,
            "email_consent_on": DATE,
        }
        labels: ClassVar[dict[str, str]] = {
            **PatientForm.Meta.labels,
            "emergency_contact_name": "Emergency contact",
            "emergency_contact_relationship": "Relationship to the patient",
            "emergency_contact_phone": "Emergency contact's phone",
        }

    # Sections of the page, in order (the template lays them out as fieldsets).
    SECTIONS = (
        ("Name and birth", ("first_name", "last_name", "preferred_name", "pronouns")),
        ("", ("birth_date", "sex")),
        ("Contact", ("phone", "email", "address_line1", "address_line2", "city", "state", "zip")),
        (
            "Emergency contact",
            (
                "emergency_contact_name",
                "emergency_contact_relationship",
                "emergency_contact_phone",
            ),
        ),
        (
            "Communication consent",
            ("sms_consent", "sms_consent_on", "email_consent", "email_consent_on"),
        ),
    )


class ChartCoverageForm(CoverageForm):
    """A coverage added or edited on the chart: a payer from the directory (or, when adding,
    a new one typed in, as at registration), the subscriber, dates and the patient's share."""

    reason = reason_field()

    class Meta(CoverageForm.Meta):
        model = Coverage
        fields: tuple[str, ...] = (  # type: ignore[assignment]
            *CoverageForm.Meta.fields,
            "copay",
            "coinsurance_percent",
            "deductible",
        )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("copay", "coinsurance_percent", "deductible"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        if editing:
            # An existing coverage changes payer only to another directory entry.
            for name, _ in self._PAYER_COPY:
                del self.fields[name]
            self.fields["payer_record"].required = True
            self.fields["payer_record"].empty_label = "Choose a payer"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        if "payer_name" not in self.fields:  # editing: only the directory's payer
            return forms.ModelForm.clean(self) or {}
        return super().clean()

    SECTIONS = (
        ("Payer", ("payer_record", "payer_name", "payer_id", "kind", "priority")),
        ("Member", ("member_id", "group_number", "active_from", "active_through")),
        (
            "Subscriber",
            (
                "subscriber_relationship",
                "subscriber_first_name",
                "subscriber_last_name",
                "subscriber_birth_date",
                "subscriber_sex",
            ),
        ),
        ("Patient's share", ("copay", "coinsurance_percent", "deductible")),
        ("Medicare", ("medicare_secondary_type",)),
    )


class ChartCaseForm(CaseForm):
    """Registration's case fields, plus who pays for an accident and the people involved."""

    reason = reason_field()

    class Meta(CaseForm.Meta):
        fields: tuple[str, ...] = (  # type: ignore[assignment]
            *CaseForm.Meta.fields,
            "coverage",
            "employer_name",
            "adjuster_name",
            "adjuster_phone",
            "adjuster_email",
            "pip_medpay_limit",
        )
        labels: ClassVar[dict[str, str]] = {
            "coverage": "Carrier for this case",
            "employer_name": "Employer (work injury)",
            "insurer_claim_number": "Carrier's claim number",
        }

    def __init__(self, *args: Any, patient: Patient | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coverage"]
        field.queryset = (  # type: ignore[attr-defined]
            patient.coverages.all() if patient is not None else Coverage.objects.none()
        )
        field.empty_label = "None: the patient's coverages in their order"  # type: ignore[attr-defined]
        field.help_text = (
            "An auto or work-injury carrier chosen here pays first for this case; "
            "otherwise the order of the coverages decides."
        )

    SECTIONS = (
        ("Case", ("discipline", "title", "opened_on", "onset_date", "initial_treatment_date")),
        ("", ("injury_description", "report_schedule")),
        (
            "Accident or work injury",
            (
                "accident_kind",
                "accident_date",
                "accident_state",
                "coverage",
                "insurer_claim_number",
                "pip_medpay_limit",
                "employer_name",
            ),
        ),
        ("Adjuster", ("adjuster_name", "adjuster_phone", "adjuster_email")),
        ("Case manager", ("case_manager_name", "case_manager_phone", "case_manager_email")),
        ("Attorney", ("attorney_name", "attorney_phone", "attorney_email", "lien_on_file")),
    )


class CloseCaseForm(SaneDatesMixin, forms.Form):
    closure = forms.ChoiceField(
        label="How the case ends",
        choices=CaseClosure.choices,
        initial=CaseClosure.DISCHARGED,
        widget=forms.RadioSelect,
    )
    closed_on = forms.DateField(label="Last day of the case", widget=DATE)
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_LIMIT,
        help_text="Kept on the case and in the audit log; pick a usual one or type your own.",
        widget=forms.TextInput(attrs={"list": "discharge-reasons", "autocomplete": "off"}),
    )
    SUGGESTIONS = DISCHARGE_REASONS


class PipExhaustedForm(SaneDatesMixin, forms.Form):
    """The auto carrier's letter saying the case's PIP/MedPay benefits are exhausted."""

    exhausted_on = forms.DateField(label="Date of the carrier's exhaustion letter", widget=DATE)
    note = forms.CharField(
        label="How it is known",
        max_length=200,
        initial="Carrier's exhaustion letter, scanned to the chart",
        help_text="Printed on the claims that bill the next payer.",
    )
    letter = forms.FileField(
        label="The letter (PDF or scan)",
        required=False,
        help_text="Kept on the case; the next payer's claims name it (PWK) so you can fax or "
        "mail it with its attachment number.",
    )
    transmission = forms.ChoiceField(
        label="The next payer gets the letter",
        choices=(("FX", "By fax"), ("BM", "By mail"), ("EM", "By e-mail")),
        initial="FX",
        required=False,
    )


class EndCoverageForm(SaneDatesMixin, forms.Form):
    ended_on = forms.DateField(
        label="Last day in force",
        widget=DATE,
        help_text="Visits after this day bill the next coverage in the order.",
    )
    reason = reason_field()


_MSP_CHOICES = [
    c for c in Coverage._meta.get_field("medicare_secondary_type").choices or () if c[0]
]


class ReorderForm(forms.Form):
    """One place (1st, 2nd, 3rd) per current coverage; Medicare's secondary payer type when
    it moves behind another payer."""

    reason = reason_field()

    def __init__(self, *args: Any, coverages: list[Coverage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coverages = coverages
        places = [("1", "1st"), ("2", "2nd"), ("3", "3rd")][: max(len(coverages), 1)]
        for position, coverage in enumerate(coverages, start=1):
            self.fields[f"place_{coverage.pk}"] = forms.ChoiceField(
                label=f"{coverage.payer_name} ({coverage.member_id})",
                choices=places,
                initial=str(position),
            )
            if coverage.kind == PayerKind.MEDICARE.value:
                self.fields[f"msp_{coverage.pk}"] = forms.ChoiceField(
                    label="If Medicare pays second: why",
                    choices=[("", "—"), *_MSP_CHOICES],
                    required=False,
                    initial=coverage.medicare_secondary_type,
                )
        # The reason last on the page.
        self.order_fields([*(f for f in self.fields if f != "reason"), "reason"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        places = [cleaned.get(f"place_{c.pk}") for c in self.coverages]
        if None not in places and len(set(places)) != len(places):
            raise forms.ValidationError("Give each coverage a different place.")
        return cleaned

    def order(self) -> list[int]:
        return [
            c.pk
            for c in sorted(self.coverages, key=lambda c: int(self.cleaned_data[f"place_{c.pk}"]))
        ]

    def medicare_secondary_types(self) -> dict[int, str]:
        return {
            c.pk: self.cleaned_data[f"msp_{c.pk}"]
            for c in self.coverages
            if f"msp_{c.pk}" in self.cleaned_data
        }
