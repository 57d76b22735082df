"""The statements screens (ADR 0760): a statement from the ledger page, the runs page, the
print PDF, the dunning messages billers and the owner word, and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cleannote.apps.ledger.models import DunningStep, Statement
from tests.apps.claims.conftest import billing, sent_claim  # noqa: F401
from tests.apps.ledger.test_statements import pdf_text, posted  # noqa: F401

pytestmark = pytest.mark.django_db


def test_statement_from_the_ledger_page_then_the_statements_page(billing, posted, login):  # noqa: F811
    client = login(billing.clinic.biller)
    patient = billing.clinic.patient
    page = client.get(reverse("ledger:patient", args=[patient.pk]))
    assert b"Make a statement" in page.content
    assert b"not started" in page.content
    made = client.post(reverse("ledger:patient_statement", args=[patient.pk]), {"via": "print"})
    statement = Statement.objects.get()
    assert made.status_code == 302
    assert made["Location"] == reverse("ledger:statement", args=[statement.pk])
    shown = client.get(made["Location"])
    assert b"$24.00" in shown.content
    assert b"Statement" in shown.content
    ledger = client.get(reverse("ledger:patient", args=[patient.pk]))
    assert b"step 1 (Statement)" in ledger.content
    pdf = client.get(reverse("ledger:statement_pdf", args=[statement.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "Amount due $24.00" in pdf_text(pdf.content)


def test_run_from_the_statements_page_prints_one_pdf(billing, posted, login):  # noqa: F811
    client = login(billing.clinic.biller)
    assert client.get(reverse("ledger:statements")).status_code == 200
    answer = client.post(reverse("ledger:run_statements"))
    run_page = client.get(answer["Location"])
    assert b"1 statement" in run_page.content
    run_id = int(answer["Location"].rstrip("/").split("/")[-1])
    pdf = client.get(reverse("ledger:statement_run_pdf", args=[run_id]))
    assert "Please detach and return" in pdf_text(pdf.content)


def test_a_bad_plan_amount_is_a_message_not_an_error(billing, posted, login):  # noqa: F811
    client = login(billing.clinic.biller)
    patient = billing.clinic.patient
    answer = client.post(
        reverse("ledger:payment_plan", args=[patient.pk]), {"amount_per_month": "lots"}, follow=True
    )
    assert answer.status_code == 200
    assert b"enter an amount such as 50.00" in answer.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 200), ("biller", 200), ("therapist", 403), ("front_desk", 403)],
)
def test_who_sees_statements(billing, login, persona, status):  # noqa: F811
    assert (
        login(getattr(billing.clinic, persona)).get(reverse("ledger:statements")).status_code
        == status
    )


# Who words the dunning steps (ADR 0846): one rule, the same on the message page and on the
# statement settings page. Billers run statements, so they word them, as the owner does.
WORDING = [
    ("owner", True),
    ("biller", True),
    ("therapist", False),
    ("front_desk", False),
]


@pytest.mark.parametrize(("persona", "words"), WORDING)
def test_one_rule_for_who_words_the_dunning_steps(billing, login, persona, words):  # noqa: F811
    from cleannote.apps.ledger.statement_actions import may_word_dunning
    from tests.apps.ledger.test_statement_settings import _form

    staff = getattr(billing.clinic, persona)
    assert may_word_dunning(staff.role) is words
    login(billing.clinic.owner).get(reverse("ledger:dunning_steps"))  # the standard steps
    step = DunningStep.objects.get(number=2)
    client = login(staff)
    # the message page
    answer = client.post(
        reverse("ledger:dunning_steps"), {"step": step.pk, "message": f"From the {persona}."}
    )
    step.refresh_from_db()
    assert answer.status_code == (302 if words else 403)
    assert (step.message == f"From the {persona}.") is words
    # the statement settings page
    answer = client.post(
        reverse("ledger:statement_settings"),
        _form(**{"step-2-message": f"Settings by the {persona}."}),
    )
    step = DunningStep.objects.get(number=2)
    assert answer.status_code == (302 if words else 403)
    assert (step.message == f"Settings by the {persona}.") is words


def test_the_message_page_shows_the_form_to_whoever_words_the_steps(billing, login):  # noqa: F811
    page = login(billing.clinic.biller).get(reverse("ledger:dunning_steps")).content.decode()
    assert "Save step 2" in page
    assert "Only the owner" not in page


def test_statements_page_reads_in_a_fixed_number_of_queries(
    billing,  # noqa: F811
    posted,  # noqa: F811
    login,
    django_assert_max_num_queries,
):
    from cleannote.apps.ledger.statement_actions import do_run_statements
    from tests.personas import TODAY

    do_run_statements(billing.actor, day=TODAY)
    client = login(billing.clinic.biller)
    client.get(reverse("ledger:statements"))  # settings and steps written once
    with django_assert_max_num_queries(20):
        assert client.get(reverse("ledger:statements")).status_code == 200


def test_another_clinics_statement_answers_404(billing, posted, other_clinic, login):  # noqa: F811
    from cleannote.apps.ledger.statement_actions import do_create_statement
    from cleannote.apps.organisations.models import Role
    from tests.personas import TODAY, _staff

    statement = do_create_statement(billing.actor, billing.clinic.patient, day=TODAY)
    client = login(_staff(other_clinic.organisation, "olga", Role.OWNER))
    for name in ("ledger:statement", "ledger:statement_pdf"):
        assert client.get(reverse(name, args=[statement.pk])).status_code == 404
    answer = client.post(reverse("ledger:patient_statement", args=[billing.clinic.patient.pk]))
    assert answer.status_code == 404
