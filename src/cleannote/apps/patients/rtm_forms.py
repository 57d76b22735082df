"""Forms of the RTM screen (ADR 0570): enrol, days of data, the app's CSV, management minutes,
end. Field problems are messages next to the field; `rtm_actions` checks again and has the last
word."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile

from cleannote.apps.organisations.models import Staff
from cleannote.apps.patients.chart_forms import reason_field
from cleannote.apps.patients.forms import DATE
from cleannote.apps.patients.models import Case, PlanOfCare, RtmContact, RtmEnrolment
from cleannote.platform.request_params import SaneDatesMixin

MAX_CSV_BYTES = 2 * 1024 * 1024


class PlanChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: PlanOfCare) -> str:
        return f"From {obj.start_date:%Y-%m-%d} ({obj.frequency_text})"


class EnrolForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    plan = PlanChoiceField(queryset=PlanOfCare.objects.none(), label="Plan of care")

    class Meta:
        model = RtmEnrolment
        fields = (
            "plan",
            "family",
            "device",
            "app_reference",
            "start_date",
            "supervising",
            "education",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "start_date": DATE,
            "education": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = self.fields["plan"]
        supervising = self.fields["supervising"]
        assert isinstance(plans, forms.ModelChoiceField)
        assert isinstance(supervising, forms.ModelChoiceField)
        plans.queryset = case.plans_of_care.order_by("-start_date", "-id")
        supervising.queryset = (
            Staff.objects.filter(organisation_id=case.patient.organisation_id)
            .exclude(credential="")
            .select_related("user")
        )


class DaysForm(SaneDatesMixin, forms.Form):
    first = forms.DateField(label="First day with data", widget=DATE)
    last = forms.DateField(label="Last day with data", widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV from the monitoring app",
        help_text="Columns date, patient, readings (one row per day); see the format below.",
    )

    def clean_file(self) -> str:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: split it by month.")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file is not UTF-8 text: export it as CSV.") from error


class TimeForm(SaneDatesMixin, forms.Form):
    day = forms.DateField(widget=DATE)
    minutes = forms.IntegerField(min_value=1, max_value=240)
    contact = forms.ChoiceField(label="Kind", choices=RtmContact.choices, initial=RtmContact.REVIEW)
    note = forms.CharField(
        label="What was reviewed, decided or discussed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndForm(SaneDatesMixin, forms.Form):
    end_date = forms.DateField(label="Last day of monitoring", widget=DATE)
    reason = reason_field()
