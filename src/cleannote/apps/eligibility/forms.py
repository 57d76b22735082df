"""Forms for the eligibility pages; every input problem is a message next to its field."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from cleannote.apps.eligibility.models import HetsEnrollment, ManualVerification
from cleannote.platform.request_params import SaneDatesMixin, X12UploadForm

DATE = forms.DateInput(attrs={"type": "date"})
MAX_271_BYTES = 20 * 1024 * 1024


class ManualVerificationForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ManualVerification
        fields = (
            "source",
            "verified_for",
            "active",
            "visits_remaining",
            "copay",
            "reference",
            "notes",
        )
        widgets: ClassVar[dict[str, Any]] = {"verified_for": DATE}


class HetsEnrollmentForm(SaneDatesMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = HetsEnrollment
        fields = ("npi", "submitter_id", "effective_from", "effective_through")
        widgets: ClassVar[dict[str, Any]] = {"effective_from": DATE, "effective_through": DATE}


class ResponseUploadForm(X12UploadForm):
    file = forms.FileField(label="271 file")
    max_bytes = MAX_271_BYTES
    too_big = "larger than 20 MB; split the file"


class DayForm(SaneDatesMixin, forms.Form):
    day = forms.DateField(widget=DATE)
