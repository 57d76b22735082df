"""The library entry form and the dose form of the note's program panel: they translate what
was typed; the actions decide (ADR 0970)."""

from __future__ import annotations

from typing import Any

from django import forms

from cleannote.apps.exercises.actions import INSTRUCTIONS_LIMIT
from cleannote.apps.exercises.media import MAX_VIDEO_BYTES
from cleannote.apps.exercises.models import Category, Difficulty, Exercise, Region
from cleannote.apps.organisations.models import Organisation
from cleannote.rules.home_program import Per


class ExerciseForm(forms.Form):
    name = forms.CharField(max_length=80)
    region = forms.ChoiceField(choices=[("", "Choose a region"), *Region.choices])
    category = forms.ChoiceField(choices=[("", "Choose a category"), *Category.choices])
    instructions = forms.CharField(
        max_length=INSTRUCTIONS_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In the clinic's own words: the starting position, the movement, what the "
        "patient should feel. Never text copied from elsewhere.",
    )
    attachment = forms.FileField(
        required=False,
        label="Picture or video (optional)",
        help_text="JPEG, PNG or WebP up to 5 MB; MP4 or WebM up to 50 MB. The clinic's own.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                         "video/mp4,video/webm"}),
    )  # fmt: skip
    drop_media = forms.BooleanField(required=False, label="Remove the picture or video")
    is_active = forms.BooleanField(
        required=False, initial=True, label="Offered for new programs (untick to retire)"
    )

    def clean_attachment(self) -> bytes | None:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > MAX_VIDEO_BYTES:
            raise forms.ValidationError("A file may be at most 50 MB.")
        return bytes(upload.read())


class DoseForm(forms.Form):
    exercise = forms.ModelChoiceField(queryset=Exercise.objects.none(), empty_label=None)
    sets = forms.IntegerField(min_value=1, max_value=20, initial=3)
    reps = forms.IntegerField(min_value=1, max_value=200, initial=10)
    load = forms.CharField(max_length=40, required=False)
    hold_seconds = forms.IntegerField(min_value=1, max_value=600, required=False)
    times = forms.IntegerField(min_value=1, max_value=10, initial=1)
    per = forms.ChoiceField(choices=[(p.value, f"a {p.value}") for p in Per], initial="day")
    progression = forms.CharField(max_length=200, required=False)

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exercise"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Exercise.objects.filter(organisation=organisation, is_active=True)


class SessionForm(forms.Form):
    """The patient's log of one sitting; the exercises' ticks and counts are read by prefix
    (`done-<line>`, `sets-<line>`, `reps-<line>`) by the view that knows the lines."""

    done_on = forms.DateField(label="Day you did them")
    pain = forms.IntegerField(
        min_value=0, max_value=10, required=False, label="Pain during the exercises (0-10)"
    )
    difficulty = forms.ChoiceField(
        choices=[("", "Choose"), *Difficulty.choices], required=False, label="How hard was it"
    )
