"""Signing a browser in as one of the test clinic's staff, shared by the browser tests."""

from __future__ import annotations

from tests.personas import PASSWORD


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Start a fresh session (cookies cleared) and sign in; returns on the home page once its
    requests are done.

    The therapist home loads its day panel by htmx after the page: a test that moved on at once
    sent its next request beside that one, and the live server's threads share one SQLite
    connection in the tests ("cannot open savepoint - SQL statements in progress")."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.wait_for_load_state("networkidle")
