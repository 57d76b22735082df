"""`field__any_of=ids` (platform/id_lists.py, ADR 0607): the same rows as `__in`, one array
parameter on PostgreSQL, the usual `IN (…)` elsewhere."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def users() -> list[User]:
    return [User.objects.create(username=f"any-of-{n}") for n in range(4)]


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        ([0, 2], [0, 2]),  # a list
        ({3}, [3]),  # a set
        ((), []),  # nothing asked: nothing found, not an error
        ([1, 1, 1], [1]),  # repeats change nothing
    ],
)
def test_any_of_finds_what_in_finds(users, picked, expected) -> None:
    ids = [users[i].pk for i in picked]
    rows = User.objects.order_by("pk")
    found = list(rows.filter(pk__any_of=ids).values_list("pk", flat=True))
    assert found == [users[i].pk for i in expected]
    assert found == list(rows.filter(pk__in=ids).values_list("pk", flat=True))


def test_any_of_follows_a_foreign_key(users, clinic) -> None:
    from cleannote.apps.organisations.models import Staff

    staff = clinic.therapist
    assert list(Staff.objects.filter(user__any_of=[staff.user_id, users[0].pk])) == [staff]
    assert list(Staff.objects.filter(user_id__any_of=[staff.user_id])) == [staff]


def test_thousands_of_ids_are_one_parameter_on_postgresql(users) -> None:
    ids = [*range(10_000, 13_000), users[1].pk]
    with CaptureQueriesContext(connection) as captured:
        found = list(User.objects.filter(pk__any_of=ids).values_list("pk", flat=True))
    assert found == [users[1].pk]
    sql = captured.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
        assert " IN (" not in sql
    else:
        assert " IN (" in sql
