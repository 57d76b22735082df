"""A small library on the Riverside clinic (tests/personas.py) and a program prescribed from
the draft note, built through the actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.exercises.actions import (
    DoseInput,
    ExerciseInput,
    do_create_exercise,
    do_prescribe,
)
from cleannote.apps.exercises.models import Exercise
from cleannote.apps.notes.actions import do_add_treatment_block, do_sign_note, do_start_note
from cleannote.apps.notes.models import Note
from tests.personas import TODAY, Clinic


@dataclass
class Library:
    clinic: Clinic
    therapist: Actor
    bridge: Exercise
    clam: Exercise
    cat: Exercise


def add(actor: Actor, name: str, region: str = "hip", category: str = "strength") -> Exercise:
    return do_create_exercise(
        actor, ExerciseInput(name, region, category, f"Our own words on how to do {name}.")
    )


@pytest.fixture(autouse=True)
def _media_dir(settings, tmp_path):
    settings.CLEANNOTE_MEDIA_DIR = tmp_path / "media"


@pytest.fixture
def library(clinic: Clinic) -> Library:
    therapist = Actor(user=clinic.therapist.user, organisation=clinic.organisation)
    return Library(
        clinic,
        therapist,
        add(therapist, "Bridge"),
        add(therapist, "Clamshell"),
        add(therapist, "Cat and camel", "low_back", "mobility"),
    )


def next_note(lib: Library, day: dt.date = TODAY) -> Note:
    c = lib.clinic
    note = do_start_note(
        lib.therapist, case=c.case, therapist=c.therapist, location=c.location,
        date_of_service=day,
    )  # fmt: skip
    do_add_treatment_block(lib.therapist, note, code="97110", minutes=23)
    return note


@pytest.fixture
def prescribed(library: Library) -> Library:
    """Revision 1 on the draft note (yesterday): bridge daily, clamshell 3 a week; signed."""
    note = library.clinic.draft_note
    do_prescribe(library.therapist, note, library.bridge, DoseInput(3, 10))
    do_prescribe(
        library.therapist,
        note,
        library.clam,
        DoseInput(2, 15, load="red band", times=3, per="week"),
    )
    library.clinic.draft_note = do_sign_note(library.therapist, note, library.clinic.therapist)
    return library
