# A note has a type (daily note, evaluation, re-evaluation, progress report, discharge summary)
# instead of a progress-report flag (docs/decisions/0580). Existing notes keep what they were:
# a flagged note becomes a progress report; a note billing an evaluation or re-evaluation code
# becomes an evaluation or re-evaluation; every other note a daily note.

from typing import Any

from django.db import migrations, models

# The codes that named an evaluation or re-evaluation visit when this migration was written
# (rules/scope_of_practice.CODE_ACTS, names_visit); a migration keeps its own copy.
_RE_EVALUATION = ("97164", "97168")
_EVALUATION = (
    "97161",
    "97162",
    "97163",
    "97165",
    "97166",
    "97167",
    "92521",
    "92522",
    "92523",
    "92524",
    "92597",
    "92610",
)


def flag_to_type(apps: Any, schema_editor: Any) -> None:
    Note = apps.get_model("notes", "Note")
    Note.objects.filter(is_progress_report=True).update(note_type="progress_report")
    daily = Note.objects.filter(note_type="daily")
    daily.filter(blocks__code__in=_RE_EVALUATION).update(note_type="re_evaluation")
    Note.objects.filter(note_type="daily", blocks__code__in=_EVALUATION).update(
        note_type="evaluation"
    )


def type_to_flag(apps: Any, schema_editor: Any) -> None:
    Note = apps.get_model("notes", "Note")
    Note.objects.filter(note_type="progress_report").update(is_progress_report=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0003_rtm_billing_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="note_type",
            field=models.CharField(
                choices=[
                    ("daily", "Daily note"),
                    ("evaluation", "Evaluation"),
                    ("re_evaluation", "Re-evaluation"),
                    ("progress_report", "Progress report"),
                    ("discharge_summary", "Discharge summary"),
                ],
                default="daily",
                max_length=17,
            ),
        ),
        migrations.AddField(
            model_name="note",
            name="sections",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="note",
            name="complexity",
            field=models.CharField(
                blank=True,
                choices=[("low", "Low"), ("moderate", "Moderate"), ("high", "High")],
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="note",
            name="goal_report",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(flag_to_type, type_to_flag),
        migrations.RemoveField(model_name="note", name="is_progress_report"),
        migrations.AddIndex(
            model_name="note",
            index=models.Index(fields=["case", "note_type"], name="notes_note_case_id_997694_idx"),
        ),
    ]
