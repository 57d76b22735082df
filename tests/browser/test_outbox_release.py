"""The owner releases an outbox message stuck in sending (ADR 0613) in a real browser: the
warning is on the row, a reason is required, the row goes back to queued, and "Send queued
now" sends it once. Screenshot to test-artifacts/."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from cleannote.apps.messaging.models import MessageStatus, OutboundMessage
from tests.apps.messaging.test_release import stuck_message
from tests.browser.conftest import ARTIFACTS, axe_violations
from tests.browser.sign_in import sign_in
from tests.personas import clinic  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_releases_a_stuck_message_and_it_is_sent_once(
    browser_page,
    live_server,
    clinic,  # noqa: F811
):
    page, base = browser_page, live_server.url
    message = stuck_message(clinic, 25)
    sign_in(page, base, clinic.owner.user.username)
    page.goto(f"{base}/outbox/?status=sending")
    form = page.locator(f"#release-{message.pk}")
    expect(form).to_contain_text("releasing can send it twice")
    assert axe_violations(page, "outbox with a stuck message") == []
    page.screenshot(path=str(ARTIFACTS / "outbox-release.png"), full_page=True)
    # the reason is required: the browser does not post an empty one
    form.get_by_role("button", name="Release").click()
    assert OutboundMessage.objects.get(pk=message.pk).status == MessageStatus.SENDING
    form.get_by_label(f"Why release message {message.pk}").fill("worker crashed at 02:00")
    form.get_by_role("button", name="Release").click()
    expect(page.get_by_text(f"Message {message.pk} released to queued")).to_be_visible()
    assert OutboundMessage.objects.get(pk=message.pk).status == MessageStatus.QUEUED
    page.get_by_role("button", name="Send 1 queued now").click()
    expect(page.get_by_text("1 queued message sent on.")).to_be_visible()
    assert OutboundMessage.objects.get(pk=message.pk).status == MessageStatus.SENT
    assert len(mail.outbox) == 1
