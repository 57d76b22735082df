"""A location manager sees the figures of the locations they run, a clinician their own, the
front desk none (ADR 0845)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from cleannote.apps.audit.actions import Actor
from cleannote.apps.organisations.actions import (
    StaffChangeRefused,
    do_create_location,
    do_create_staff,
    do_update_staff,
)
from cleannote.apps.organisations.models import Role, Staff
from cleannote.apps.organisations.roles import Capability, has_capability
from tests.personas import PASSWORD, TODAY, _note

RIVERSIDE, EASTSIDE = "Riverside clinic", "Eastside clinic"
THEO, OLIVE = "Theo Demo, PT", "Olive Demo, PT"


@pytest.fixture
def two_locations(clinic):  # type: ignore[no-untyped-def]
    """Riverside (Theo's signed visit and draft, from the persona) and Eastside, where the
    owner signed a visit and left a draft; Mia manages Riverside only."""
    eastside = do_create_location(
        clinic.organisation, name=EASTSIDE, address_line1="9 East St", city="Springfield",
        state="IL", zip="62702",
    )  # fmt: skip
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    _note(owner, clinic.case, clinic.owner, eastside, TODAY - dt.timedelta(days=3), sign=True)
    _note(owner, clinic.case, clinic.owner, eastside, TODAY - dt.timedelta(days=4), sign=False)
    manager = do_create_staff(
        clinic.organisation, username="mia", password=PASSWORD, first_name="Mia",
        last_name="Demo", role=Role.MANAGER, managed_locations=[clinic.location],
    )  # fmt: skip
    return clinic, eastside, manager


def _csv(client, slug: str, **params: object) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/reports/{slug}/", {**params, "format": "csv"})
    assert response.status_code == 200
    return " ".join(" ".join(row) for row in csv.reader(io.StringIO(response.content.decode())))


# who: which locations' and clinicians' names the productivity and compliance figures show
SEEN = [
    ("owner", {RIVERSIDE, EASTSIDE}, {THEO, OLIVE}),
    ("manager", {RIVERSIDE}, {THEO}),
    ("therapist", set(), {THEO}),
]


@pytest.mark.parametrize(("persona", "locations", "clinicians"), SEEN)
def test_each_role_sees_the_figures_of_its_scope(
    two_locations, login, persona, locations, clinicians
):
    clinic, _, manager = two_locations
    staff = manager if persona == "manager" else getattr(clinic, persona)
    client = login(staff)
    productivity = _csv(client, "productivity")
    for name in (RIVERSIDE, EASTSIDE):
        assert (name in productivity) is (name in locations), name
    for name in (THEO, OLIVE):
        assert (name in productivity) is (name in clinicians), name
    # the unsigned notes of the compliance report: Theo's at Riverside, the owner's at Eastside
    compliance = _csv(client, "compliance")
    assert (EASTSIDE in compliance) is (EASTSIDE in locations)
    assert (OLIVE in compliance) is (OLIVE in clinicians)


def test_the_manager_counts_only_their_locations_visits(two_locations, login):
    clinic, _, manager = two_locations
    owner_page = _csv(login(clinic.owner), "productivity")
    manager_page = _csv(login(manager), "productivity")
    # the owner's table has a row per location; the manager's has Riverside's only
    assert owner_page.count("By location") == 2
    assert manager_page.count("By location") == 1


def test_a_location_the_manager_does_not_run_is_refused(two_locations, login):
    clinic, eastside, manager = two_locations
    client = login(manager)
    assert client.get("/reports/productivity/", {"location": eastside.pk}).status_code == 400
    mine = client.get("/reports/productivity/", {"location": clinic.location.pk})
    assert mine.status_code == 200
    page = client.get("/reports/productivity/").content.decode()
    assert '"/reports/" aria-current="page">Reports</a>' in page  # the menu's Reports
    assert EASTSIDE not in page  # the location filter offers their locations only
    assert RIVERSIDE in page


@pytest.mark.parametrize("path", ["/reports/", "/reports/productivity/", "/dashboard/"])
def test_the_front_desk_is_refused_and_the_manager_has_no_dashboard(two_locations, login, path):
    clinic, _, manager = two_locations
    assert login(clinic.front_desk).get(path).status_code == 403
    assert login(manager).get(path).status_code == (403 if path == "/dashboard/" else 200)


# where else a location manager acts, and where not (ADR 0845)
MANAGER_MAY = [
    (Capability.MANAGE_SCHEDULE, True),
    (Capability.SET_ANY_HOURS, True),
    (Capability.MANAGE_INVENTORY, True),
    (Capability.SEE_LOCATION_REPORTS, True),
    (Capability.RUN_REPORTS, False),
    (Capability.POST_PAYMENTS, False),
    (Capability.WORD_DUNNING, False),
    (Capability.MANAGE_PAYERS, False),
    (Capability.MANAGE_STAFF, False),
    (Capability.MANAGE_CLEARINGHOUSE, False),
    (Capability.WRITE_NOTES, False),
]


@pytest.mark.parametrize(("capability", "has"), MANAGER_MAY)
def test_what_a_location_manager_may_do(capability, has):
    assert has_capability(Role.MANAGER, capability) is has


def test_the_owner_assigns_the_role_and_its_locations_on_the_staff_page(two_locations, login):
    clinic, eastside, _ = two_locations
    desk = clinic.front_desk
    client = login(clinic.owner)
    form = {
        "first_name": desk.user.first_name, "last_name": desk.user.last_name,
        "role": Role.MANAGER.value, "credential": "", "npi": "", "taxonomy": "",
        "default_location": "",
    }  # fmt: skip
    # a manager of no location is refused, the field named
    refused = client.post(f"/staff/{desk.pk}/", form)
    assert refused.status_code == 422
    assert "runs at least one location" in refused.content.decode()
    assert Staff.objects.get(pk=desk.pk).role == Role.FRONT_DESK
    saved = client.post(f"/staff/{desk.pk}/", {**form, "managed_locations": [eastside.pk]})
    assert saved.status_code == 302
    desk.refresh_from_db()
    assert desk.role == Role.MANAGER
    assert list(desk.managed_locations.all()) == [eastside]
    # back to the desk: the locations go with the role
    owner = Actor(user=clinic.owner.user, organisation=clinic.organisation)
    do_update_staff(owner, desk, role=Role.FRONT_DESK)
    assert not desk.managed_locations.exists()
    with pytest.raises(StaffChangeRefused):
        do_update_staff(owner, desk, role=Role.MANAGER)


@pytest.mark.django_db
def test_the_demo_manager_runs_the_main_location_and_sees_its_figures_only(login):
    from django.core.management import call_command

    # given the demo clinic (small), its manager made through the staff action
    call_command(
        "cleannote_demo", "--patients", "3", "--today", TODAY.isoformat(), stdout=io.StringIO()
    )
    manager = Staff.objects.get(user__username="demo-manager")
    owner = Staff.objects.get(user__username="demo-owner")
    main, other = owner.organisation.locations.order_by("pk")
    # then they run the main location, and its report names only it
    assert manager.role == Role.MANAGER
    assert list(manager.managed_locations.all()) == [main]
    assert other.name in _csv(login(owner), "productivity")
    mine = _csv(login(manager), "productivity")
    assert main.name in mine
    assert other.name not in mine
