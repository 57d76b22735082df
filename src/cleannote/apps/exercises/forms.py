"""The library entry form and the dose form of the note's program panel: they translate what
was typed; the actions decide (ADR 0970)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from cleannote.apps.exercises.actions import INSTRUCTIONS_LIMIT, EntryInput
from cleannote.apps.exercises.media import MAX_VIDEO_BYTES
from cleannote.apps.exercises.models import Category, Difficulty, Exercise, Prescription, Region
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


def session_entries(
    posted: Mapping[str, str], lines: Sequence[Prescription]
) -> tuple[list[EntryInput], str]:
    """Each line's tick (`done-<line>`) and counts (`sets-<line>`, `reps-<line>`) as typed in
    the log form, the portal's and the staff's alike; or the sentence naming a count that is
    not a whole number."""
    entries: list[EntryInput] = []
    for line in lines:
        done = posted.get(f"done-{line.pk}") == "1"
        counts: dict[str, int | None] = {}
        for name in ("sets", "reps"):
            raw = (posted.get(f"{name}-{line.pk}") or "").strip()
            if raw and not raw.isdigit():
                return [], f"Give the {name} of {line.exercise.name} as a whole number."
            counts[name] = int(raw) if raw else None
        entries.append(EntryInput(line.pk, done, counts["sets"], counts["reps"]))
    return entries, ""
