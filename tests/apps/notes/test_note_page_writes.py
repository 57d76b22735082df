"""What a request on the note page writes: the session only when its stamp is stale (ADR 0140),
only the blocks and goal links a keystroke changed, and still one audit row per autosave (ADR 0130).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleannote.apps.accounts.session_store import LAST_SEEN_KEY
from cleannote.apps.audit.actions import Actor
from cleannote.apps.audit.models import AuditEvent
from cleannote.apps.notes.actions import do_add_treatment_block, do_start_note
from tests.personas import TODAY

pytestmark = pytest.mark.django_db


def _writes(queries, table):
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "DELETE", "INSERT"))
        and f'"{table}"' in q["sql"].split(" WHERE ")[0]
    ]


def _two_block_draft(clinic):
    actor = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    note = do_start_note(
        actor,
        case=clinic.case,
        therapist=clinic.therapist,
        location=clinic.location,
        date_of_service=TODAY,
        carry_forward=False,
    )
    goal = clinic.plan.goals.get()
    for i in range(2):
        do_add_treatment_block(
            actor,
            note,
            goals=[goal],
            code="97110",
            start_time=dt.time(9 + i, 0),
            stop_time=dt.time(9 + i, 15),
            parameters={"exercise": "sit-to-stand", "sets": 3},
        )
    return note, goal


def _posted(note, goal):
    data = {"objective": "1"}
    for i, block in enumerate(note.blocks.all()):
        prefix = f"b{block.pk}-"
        data.update(
            {
                prefix + "present": "1",
                prefix + "start": f"{9 + i:02d}:00",
                prefix + "stop": f"{9 + i:02d}:15",
                prefix + "goals-present": "1",
                prefix + "goals": str(goal.pk),
            }
        )
    return data


def test_sign_in_stamps_the_last_seen_mark(clinic, login):
    # given / when
    client = login(clinic.therapist)

    # then the idle clock starts at sign-in, so the first page has nothing to write
    assert LAST_SEEN_KEY in client.session


@pytest.mark.parametrize(
    ("refresh_seconds", "writes"),
    [(60, False), (0, True)],
    ids=["stamp-fresh-no-write", "stamp-stale-rewritten"],
)
def test_a_request_writes_the_session_only_when_its_stamp_is_stale(
    clinic, login, settings, refresh_seconds, writes
):
    # given a signed-in therapist who has just loaded a page
    client = login(clinic.therapist)
    assert client.get("/").status_code == 200
    seen_before = client.session[LAST_SEEN_KEY]
    settings.CLEANNOTE_SESSION_REFRESH_SECONDS = refresh_seconds

    # when they load another
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200

    # then the session row and the last-seen mark move only once the interval has passed
    assert bool(_writes(queries, "django_session")) is writes
    assert (client.session[LAST_SEEN_KEY] != seen_before) is writes


def test_autosave_writes_only_the_block_that_changed_and_keeps_unchanged_goal_links(clinic, login):
    # given a two-block draft, posted once as it stands
    note, goal = _two_block_draft(clinic)
    client = login(clinic.therapist)
    data = _posted(note, goal)
    client.post(f"/notes/{note.pk}/live/", data)
    first, second = note.blocks.all()
    events = AuditEvent.objects.count()

    # when the therapist changes the second block's stop time
    data[f"b{second.pk}-stop"] = "10:20"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/notes/{note.pk}/live/", data)

    # then one UPDATE names the second block only, goal links are left alone, one audit row
    assert response.status_code == 200
    block_writes = _writes(queries, "notes_treatmentblock")
    assert len(block_writes) == 1
    assert f"= {second.pk})" in block_writes[0]
    assert f"= {first.pk})" not in block_writes[0]
    assert _writes(queries, "notes_treatmentblock_goals") == []
    assert AuditEvent.objects.count() == events + 1
    second.refresh_from_db()
    assert second.stop_time == dt.time(10, 20)


def test_autosave_rewrites_goal_links_when_they_change(clinic, login):
    # given a two-block draft whose blocks both work toward the goal
    note, goal = _two_block_draft(clinic)
    client = login(clinic.therapist)
    data = _posted(note, goal)
    first, second = note.blocks.all()

    # when the therapist unticks the goal on the first block
    del data[f"b{first.pk}-goals"]
    response = client.post(f"/notes/{note.pk}/live/", data)

    # then the link is gone from the database and the page says the block needs a goal
    assert response.status_code == 200
    assert list(first.goals.all()) == []
    assert list(second.goals.all()) == [goal]
    assert f'href="#b{first.pk}-goals"' in response.content.decode()
