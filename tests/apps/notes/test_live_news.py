"""The editor's announcement after an autosave: only what changed (ADR 0564).

The summary compares the finding keys the page showed (echoed in the hidden `live-shown`
input) with the findings of the new scrub; the view test posts the echo as the page does.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from cleannote.apps.notes.live_news import live_news
from cleannote.apps.notes.live_scrub import LiveScrub, ShownFinding
from cleannote.rules.findings import Finding, Severity
from tests.personas import TODAY


def _shown(rule: str, severity: Severity, message: str, anchor: str) -> ShownFinding:
    return ShownFinding(Finding(rule, severity, message, "fix it", "source"), anchor, None)


NO_GOAL = _shown("doc.no-goal", Severity.ERROR, "No goal for 97110", "b7-goals")
NO_SETS = _shown("doc.missing-elements", Severity.ERROR, "97110 is missing: sets", "b7-params")
KX = _shown("threshold.kx", Severity.WARNING, "Over the KX threshold", "note-head")


def _live(*findings: ShownFinding) -> LiveScrub:
    clean = not any(f.is_error for f in findings)
    return LiveScrub(clean=clean, findings=tuple(findings), billing={})


def _keys(*findings: ShownFinding) -> str:
    return live_news("", _live(*findings), "", {}).keys


@pytest.mark.parametrize(
    ("before", "now", "errors", "said"),
    [
        ((NO_GOAL,), (NO_GOAL,), {}, ""),
        ((), (NO_GOAL,), {}, "1 new error: No goal for 97110."),
        ((NO_GOAL,), (NO_GOAL, NO_SETS, KX), {},
         "1 new error: 97110 is missing: sets. 1 new warning: Over the KX threshold."),
        ((NO_GOAL, NO_SETS), (NO_SETS,), {}, "1 resolved."),
        ((NO_GOAL, NO_SETS), (), {}, "2 resolved. ready to sign."),
        ((NO_GOAL, KX), (KX,), {}, "1 resolved. ready to sign."),
        ((NO_GOAL,), (NO_GOAL,), {"b7-p-sets": "sets must be a whole number."},
         "Not saved: sets must be a whole number."),
    ],
    ids=["nothing-changed", "one-new", "new-error-and-warning", "one-resolved",
         "all-resolved", "warning-left", "not-saved"],
)  # fmt: skip
def test_the_summary_says_only_what_changed(before, now, errors, said):
    news = live_news(_keys(*before), _live(*now), "", errors)
    assert news.text == said


def test_many_new_findings_name_two_and_count_the_rest():
    many = [_shown(f"doc.r{i}", Severity.ERROR, f"problem {i}", f"b{i}-params") for i in range(5)]
    news = live_news("", _live(*many), "", {})
    assert news.text == "5 new errors: problem 0; problem 1; and 3 more."


def test_a_garbled_echo_only_makes_findings_new():
    news = live_news("<script> " * 2000, _live(NO_GOAL), "", {})
    assert news.text.startswith("1 new error: No goal for 97110.")
    assert news.keys == "doc.no-goal@b7-goals"


# --- the view: what the page's autosave gets back ------------------------------------------


def _news(html: str) -> str:
    found = re.search(r'<p id="live-news" hx-swap-oob="innerHTML">(.*?)</p>', html)
    assert found, "the answer updates the announcement"
    return found.group(1)


def _echo(html: str) -> str:
    found = re.search(r'id="live-shown" value="([^"]*)" hx-swap-oob="true"', html)
    assert found
    return found.group(1)


@pytest.mark.django_db
def test_the_autosave_announces_a_change_and_then_nothing(clinic, login):
    # given a draft with a timed 97110 block and the editor open
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
        carry_forward=False,
    )
    block = do_add_treatment_block(
        actor,
        note,
        code="97110",
        start_time=dt.time(9, 0),
        stop_time=dt.time(9, 15),
        parameters={"exercise": "sit-to-stand", "sets": 3, "reps": 10},
    )
    client = login(clinic.therapist)
    page = client.get(f"/notes/{note.pk}/edit/").content.decode()
    shown = re.search(r'name="live-shown" id="live-shown" value="([^"]*)"', page)
    assert shown
    assert 'id="live" aria-live' not in page
    assert 'id="live-news" class="visually-hidden" role="status" aria-live="polite"' in page
    times = {f"b{block.pk}-start": "09:00", f"b{block.pk}-stop": "09:15"}
    form = {f"b{block.pk}-present": "1", **times}

    # when the therapist types a word where Sets takes a number
    first = client.post(
        f"/notes/{note.pk}/live/",
        {**form, f"b{block.pk}-p-sets": "three", "live-shown": shown.group(1)},
    ).content.decode()

    # then only that is announced, not the list
    assert _news(first) == "Not saved: sets must be a whole number, not &#x27;three&#x27;."

    # when the next keystroke changes nothing the panel shows
    again = client.post(
        f"/notes/{note.pk}/live/",
        {**form, f"b{block.pk}-p-sets": "threee", "live-shown": _echo(first)},
    ).content.decode()

    # then nothing is announced
    assert _news(again) == ""

    # when the number is fixed, the message is resolved
    fixed = client.post(
        f"/notes/{note.pk}/live/",
        {**form, f"b{block.pk}-p-sets": "3", "live-shown": _echo(again)},
    ).content.decode()

    # then the message is announced as resolved
    assert _news(fixed) == "1 resolved."
