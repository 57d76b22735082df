"""Upload and report-range forms for the money-in pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from cleannote.platform.request_params import SaneDatesMixin, X12UploadForm

DATE = forms.DateInput(attrs={"type": "date"})
MAX_835_BYTES = 50 * 1024 * 1024


class EraUploadForm(X12UploadForm):
    file = forms.FileField(label="835 file")
    max_bytes = MAX_835_BYTES
    too_big = "larger than 50 MB; ask the payer to split it"


class MatchForm(forms.Form):
    claim = forms.CharField(
        label="Claim", max_length=50, help_text="our claim number (CN…), its id, or the payer's"
    )


class DateRangeForm(SaneDatesMixin, forms.Form):
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("the end date is before the start date")
        return data
