"""Locust users of a clinic day (ADR 0921): therapists, the front desk, billers, and the
systems connected through the API.

Run by `loadtests/run.py`, which writes the facts file this reads (LOAD_FACTS: the logins,
the cases, patients, clinicians and location to book with, a run id) and reads back what the
users wrote (LOAD_WRITES), to count it against the database:

- therapists (weight 7) each take a draft of their own, a (therapist, case) pair no other user
  of the run holds, open the editor, type (three live scrubs, each an autosave) and save; the
  last text each saved is recorded per note;
- the front desk (weight 6) looks at the week, opens the booking form and books a visit at a
  time no other booking of the run uses, its note carrying the run id; each booking answered
  with the redirect to the week is recorded;
- billers (weight 4) work the claims worklist and the unbilled charges;
- API clients (weight 3), each with a read token of its own (a patient app, a warehouse),
  search FHIR Patients, search one patient's Encounters newest first, and read the patient
  and their appointments through the JSON API.

Each user takes a session the runner signed in (no password hashing in the run). Requests are
named by type, not by URL, so the figures are per kind of request.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from locust import HttpUser, between, events, task

FACTS: dict[str, Any] = json.loads(Path(os.environ["LOAD_FACTS"]).read_text())
RUN = FACTS["run"]
# Pairs are handed out once each: a draft is written by one user only, so its last save is
# the text the database must hold.
PAIRS = list(FACTS["pairs"])
SLOTS = itertools.count()
SAVED: dict[str, str] = {}
BOOKED: list[str] = []


class _FormFields(HTMLParser):
    """The fields a browser would send for the form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select, self._select_value = a["name"], None

    def _option(self, a: dict[str, str]) -> None:
        if self._select_value is None or "selected" in a:
            self._select_value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


class ClinicUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    sessions: ClassVar[list[str]] = []

    def on_start(self) -> None:
        self.signed_in(self.sessions.pop() if self.sessions else "")

    def signed_in(self, session: str) -> None:
        """Take a session the runner signed in, then read a page for the CSRF cookie."""
        self.client.cookies.clear()
        self.client.cookies.set(FACTS["session_cookie"], session)
        self.client.get("/", name="home")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Therapist(ClinicUser):
    weight = 7
    sessions = FACTS["therapist_sessions"]

    def on_start(self) -> None:
        self.note_id: int | None = None
        self.typed = 0
        while PAIRS and self.note_id is None:
            _, case_id, session = PAIRS.pop()
            self.signed_in(session)
            with self.client.post(
                f"/notes/start/{case_id}/",
                data={"csrfmiddlewaretoken": self.csrf()},
                name="notes: start a draft",
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                where = answer.headers.get("Location", "")
                found = re.search(r"/notes/(\d+)/edit/", where)
                if answer.status_code == 302 and found:
                    self.note_id = int(found.group(1))
                else:
                    # the case takes no note from this clinician today: not a server error
                    answer.success()
        if self.note_id is None:
            super().on_start()

    @task
    def write_the_note(self) -> None:
        if self.note_id is None:
            self.client.get("/", name="home")
            return
        editor = self.client.get(f"/notes/{self.note_id}/edit/", name="notes: editor")
        if editor.status_code != 200:
            return
        fields = [(k, v) for k, v in form_fields(editor.text, "note-form") if k != "plan"]
        for keystrokes in range(3):
            self.typed += 1
            text = f"load {RUN} note {self.note_id} save {self.typed}"
            live = self.client.post(
                f"/notes/{self.note_id}/live/",
                data=[*fields, ("plan", text)],
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf()},
                name="notes: live scrub (autosave)",
            )
            if live.status_code == 200:
                SAVED[str(self.note_id)] = text
            if keystrokes < 2:
                self.wait()
        self.typed += 1
        text = f"load {RUN} note {self.note_id} save {self.typed}"
        with self.client.post(
            f"/notes/{self.note_id}/edit/",
            data=[*fields, ("plan", text)],
            name="notes: save draft",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code == 302:
                SAVED[str(self.note_id)] = text
            else:
                answer.failure(f"save answered {answer.status_code}")


class FrontDesk(ClinicUser):
    weight = 6
    sessions = FACTS["front_desk_sessions"]

    @task(2)
    def look_at_the_week(self) -> None:
        self.client.get("/schedule/week/", name="schedule: week")

    @task(1)
    def book_a_visit(self) -> None:
        self.client.get("/schedule/book/", name="schedule: booking form")
        slot = next(SLOTS)
        # every booking of the run its own half hour: no clash, so each must succeed
        day = dt.date.fromisoformat(FACTS["first_day"]) + dt.timedelta(days=slot // 20)
        minutes = 7 * 60 + (slot % 20) * 30
        note = f"load {RUN} booking {slot}"
        with self.client.post(
            "/schedule/book/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "patient": FACTS["patients"][slot % len(FACTS["patients"])],
                "staff": FACTS["clinicians"][slot % len(FACTS["clinicians"])],
                "location": FACTS["location"],
                "day": day.isoformat(),
                "time": f"{minutes // 60:02d}:{minutes % 60:02d}",
                "minutes": "30",
                "note": note,
                "override": "yes",
            },
            name="schedule: book",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code == 302:
                BOOKED.append(note)
            else:
                answer.failure(f"booking answered {answer.status_code}")


class Biller(ClinicUser):
    weight = 4
    sessions = FACTS["biller_sessions"]

    @task(3)
    def work_the_worklist(self) -> None:
        self.client.get("/claims/", name="billing: claims worklist")

    @task(1)
    def unbilled(self) -> None:
        self.client.get("/claims/unbilled/", name="billing: unbilled charges")


class ApiClient(HttpUser):
    """A connected system: a bearer token, no session, reads only."""

    weight = 3
    wait_time = between(1, 3)
    tokens: ClassVar[list[str]] = FACTS["api_tokens"]

    def on_start(self) -> None:
        token = self.tokens.pop() if self.tokens else ""
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.patients = itertools.cycle(FACTS["patients"])

    @task(2)
    def search_patients(self) -> None:
        self.client.get("/fhir/r4/Patient?_count=20", name="fhir: Patient search")

    @task(3)
    def search_a_patients_encounters(self) -> None:
        patient = next(self.patients)
        self.client.get(
            f"/fhir/r4/Encounter?patient={patient}&_sort=-date&_count=20",
            name="fhir: Encounter search for a patient",
        )

    @task(2)
    def read_a_patient_through_the_api(self) -> None:
        patient = next(self.patients)
        self.client.get(f"/api/v1/patients/{patient}", name="api: patient")
        self.client.get(
            f"/api/v1/appointments?patient_id={patient}&limit=20",
            name="api: a patient's appointments",
        )


@events.test_stop.add_listener
def _write_what_was_written(**_: Any) -> None:
    path = os.environ.get("LOAD_WRITES")
    if path:
        Path(path).write_text(json.dumps({"saved": SAVED, "booked": BOOKED}))
