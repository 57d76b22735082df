"""The front desk's register-a-patient form: four model forms with field-level messages.

Every input problem becomes a message next to its field (a bad NPI, an end date before a start
date, a mistyped diagnosis), never a server error.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from cleannote.apps.patients.diagnoses import parse_diagnosis_list, validate_diagnosis_list
from cleannote.apps.patients.models import (
    CASE_CONTACT_FIELDS,
    COVERAGE_POLICY_FIELDS,
    PATIENT_ADDRESS_FIELDS,
    REFERRER_FIELDS,
    Case,
    Coverage,
    Patient,
    Referral,
)
from cleannote.apps.payers.models import Payer
from cleannote.platform.request_params import SaneDatesMixin, validate_birth_date

DATE = forms.DateInput(attrs={"type": "date"})


class PatientForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Patient
        fields = (
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            *PATIENT_ADDRESS_FIELDS,
        )
        widgets: ClassVar[dict[str, Any]] = {"birth_date": DATE}
        labels: ClassVar[dict[str, str]] = {
            "address_line1": "Address",
            "address_line2": "Address line 2",
        }

    def clean_birth_date(self) -> Any:
        born = self.cleaned_data.get("birth_date")
        validate_birth_date(born, today=timezone.localdate())
        return born


class CoverageForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A coverage of a payer chosen from the directory, or of a new payer typed in (name, id
    and kind), which registration adds to the directory (ADR 0330)."""

    _PAYER_COPY = (("payer_name", "name"), ("payer_id", "claims_payer_id"), ("kind", "kind"))

    class Meta:
        model = Coverage
        fields = (
            "priority",
            "payer_record",
            "payer_name",
            "payer_id",
            "kind",
            *COVERAGE_POLICY_FIELDS,
        )
        widgets: ClassVar[dict[str, Any]] = {
            "subscriber_birth_date": DATE,
            "active_from": DATE,
            "active_through": DATE,
        }

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record = self.fields["payer_record"]
        record.queryset = (  # type: ignore[attr-defined]
            Payer.objects.filter(organisation=organisation, is_active=True)
            if organisation is not None
            else Payer.objects.none()
        )
        record.empty_label = "A new payer: type its name, id and kind below"  # type: ignore[attr-defined]
        record.help_text = "From the payer directory; its rules apply to this coverage's claims."
        for name, _ in self._PAYER_COPY:
            self.fields[name].required = False

    def clean_subscriber_birth_date(self) -> Any:
        born = self.cleaned_data.get("subscriber_birth_date")
        validate_birth_date(born, today=timezone.localdate())
        return born

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        record = cleaned.get("payer_record")
        for name, attr in self._PAYER_COPY:
            if record is not None:
                cleaned[name] = getattr(record, attr)
            elif not cleaned.get(name) and name not in self.errors:
                self.add_error(name, "Required unless a payer is chosen from the directory.")
        return cleaned


class CaseForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Case
        fields = (
            "discipline",
            "title",
            "onset_date",
            "opened_on",
            "injury_description",
            "accident_kind",
            "accident_date",
            "accident_state",
            "insurer_claim_number",
            "initial_treatment_date",
            *CASE_CONTACT_FIELDS,
            "lien_on_file",
            "report_schedule",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "onset_date": DATE,
            "opened_on": DATE,
            "accident_date": DATE,
            "initial_treatment_date": DATE,
            "injury_description": forms.Textarea(attrs={"rows": 2}),
        }


class ReferralDiagnosesForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A referral's form whose diagnoses are typed as one list ("M54.50, M25.561"): parsed on
    clean, checked by `check_codes`, kept on the referral on save. Registration checks each code
    against the code set; the chart checks their shape only (it corrects the case's own list on
    its diagnoses screen)."""

    def check_codes(self, codes: list[str]) -> None:
        validate_diagnosis_list(codes)

    def clean_diagnoses_text(self) -> list[str]:
        codes = parse_diagnosis_list(self.cleaned_data.get("diagnoses_text") or "")
        self.check_codes(codes)
        return codes

    def save(self, commit: bool = True) -> Any:
        self.instance.diagnoses = self.cleaned_data.get("diagnoses_text") or []
        return super().save(commit=commit)


class ReferralForm(ReferralDiagnosesForm):
    diagnoses_text = forms.CharField(
        label="Diagnoses (ICD-10-CM)",
        required=False,
        help_text="Separate codes with commas, e.g. M54.50, M25.561",
    )

    class Meta:
        model = Referral
        fields = (
            *REFERRER_FIELDS,
            "referral_date",
            "authorized_visits",
            "expires_on",
        )
        widgets: ClassVar[dict[str, Any]] = {"referral_date": DATE, "expires_on": DATE}

    def is_filled(self) -> bool:
        """A referral is optional: skip it when the user typed nothing into it."""
        if not self.is_bound:
            return False
        ignored = {"qualifier"}
        return any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in self.fields
            if name not in ignored
        )
