"""Home program arithmetic (ADR 0970): what a revision changed, sessions a week, adherence over
a window and the sentence offered to the note."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannote.rules.home_program import (
    Adherence,
    Change,
    ChangeKind,
    Dose,
    Per,
    Revision,
    adherence,
    changes,
    recent,
    sessions_a_week,
    suggestion,
)

BRIDGE = Dose(1, "Bridge", sets=3, reps=10)
CLAM = Dose(2, "Clamshell", sets=2, reps=15, load="red band", times=3, per=Per.WEEK)
CAT = Dose(3, "Cat and camel", sets=1, reps=10, hold_seconds=5, times=2)


def test_dose_reads_in_one_line():
    assert BRIDGE.text() == "3 × 10, 1 a day"
    assert CLAM.text() == "2 × 15, red band, 3 a week"
    assert CAT.text() == "1 × 10, hold 5 s, 2 a day"


def test_changes_name_added_removed_and_dose_changed():
    harder = Dose(1, "Bridge", sets=3, reps=15, progression="single leg when easy")
    found = changes([BRIDGE, CLAM], [harder, CAT])
    assert found == [
        Change(ChangeKind.CHANGED, "Bridge", "3 × 10, 1 a day", "3 × 15, 1 a day"),
        Change(ChangeKind.ADDED, "Cat and camel", after="1 × 10, hold 5 s, 2 a day"),
        Change(ChangeKind.REMOVED, "Clamshell", before="2 × 15, red band, 3 a week"),
    ]
    assert changes([BRIDGE], [BRIDGE]) == []


@pytest.mark.parametrize(
    ("doses", "weekly"),
    [([], 0), ([CLAM], 3), ([BRIDGE, CLAM], 7), ([BRIDGE, CAT], 14)],
)
def test_the_most_frequent_exercise_sets_the_sessions(doses, weekly):
    assert sessions_a_week(doses) == weekly


D = dt.date(2026, 3, 2)  # a Monday


@pytest.mark.parametrize(
    ("revisions", "logged", "first", "last", "done", "prescribed"),
    [
        # daily program all window: 7 asked, 5 done
        ([Revision(D - dt.timedelta(days=30), 7)], [D + dt.timedelta(days=i) for i in range(5)],
         D, D + dt.timedelta(days=6), 5, 7),
        # program starts mid-window: only its days ask (4 days × 1)
        ([Revision(D + dt.timedelta(days=3), 7)], [D + dt.timedelta(days=3)],
         D, D + dt.timedelta(days=6), 1, 4),
        # 3 a week for 28 days = 12; a revision to daily on day 14 makes 6 + 14 = 20
        ([Revision(D, 3)], [], D, D + dt.timedelta(days=27), 0, 12),
        ([Revision(D, 3), Revision(D + dt.timedelta(days=14), 7)], [], D,
         D + dt.timedelta(days=27), 0, 20),
        # a session outside the window is not counted; two on one day both are
        ([Revision(D, 7)], [D - dt.timedelta(days=1), D, D], D, D, 2, 1),
    ],
)  # fmt: skip
def test_adherence_over_a_window(revisions, logged, first, last, done, prescribed):
    found = adherence(revisions, logged, first, last)
    assert (found.done, found.prescribed) == (done, prescribed)


def test_recent_counts_back_from_today_and_rounds_percent():
    week = recent(
        [Revision(D, 7)],
        [D + dt.timedelta(days=i) for i in (1, 2, 4, 5, 6)],
        D + dt.timedelta(days=6),
        7,
    )
    assert (week.first, week.text()) == (D, "5 of 7 (71%)")
    assert Adherence(D, D, 2, 0).text() == "2 logged, none prescribed"


def test_suggestion_sentence():
    week, month = Adherence(D, D, 5, 7), Adherence(D, D, 18, 28)
    assert suggestion(week, month, [3, 4, 2], "about right") == (
        "Home exercise program: 5 of 7 prescribed sessions logged in the last 7 days, 18 of 28 "
        "in the last 28. Pain during the exercises averaged 3/10. Most sessions felt about right."
    )
    assert suggestion(week, month, [], None).endswith("18 of 28 in the last 28.")
