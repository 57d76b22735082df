"""Playwright against Debian's Chromium and pytest-django's live server.

The tests skip, saying why, only when /usr/bin/chromium is absent; CI installs it (.ci/run).
Screenshots go to test-artifacts/ (gitignored) for a person to look at.

`axe_violations` runs axe-core, from the npm package `make install` puts in node_modules
(package.json), on the page: the WCAG 2.0 and 2.1 A and AA rules. Without node_modules the
check fails, saying how to install it, rather than skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test.testcases import LiveServerThread

from tests.browser.serial_server import SerialApplicationServer, wait_until_idle

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_ROUTE = "/__test__/axe.min.js"  # answered by the browser context, never by the app
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The application answers one request at a time: on SQLite in memory, parallel requests fail
# on the shared cache's table locks (tests/browser/serial_server.py). pytest-django builds its
# live server, and demo_site.py its own, from this class.
LiveServerThread.server_class = SerialApplicationServer


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        )


@contextmanager
def launched_chromium() -> Iterator[Any]:
    _need_chromium()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def module_browser() -> Iterator[Any]:
    """One Chromium for the whole module (the shared-demo sweeps)."""
    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Any]:
    """The demo clinic served once for the whole module, for tests that only read pages
    (tests/browser/demo_site.py)."""
    _need_chromium()
    from tests.browser.demo_site import serve_demo

    yield from serve_demo(django_db_blocker, tmp_path_factory.mktemp("demo-site"))


def axe_violations(page: Any, where: str) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page, one readable line each:
    where, the rule, its help text and the elements it names."""
    if not AXE.exists():
        pytest.fail(
            f"axe-core is not installed at {AXE.relative_to(REPO_ROOT)}: run `make install` "
            "(it runs `npm ci` from package-lock.json)"
        )
    # Served to the page from its own origin, so the app's Content-Security-Policy
    # (script-src 'self') lets it run as it is, without bypassing the policy.
    page.route(f"**{AXE_ROUTE}", lambda route: route.fulfill(path=str(AXE)))
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=origin + AXE_ROUTE)
    found = page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                  resultTypes: ['violations']});
          return result.violations.map(v => ({id: v.id, help: v.help, impact: v.impact,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            count: v.nodes.length}));
        }""",
        AXE_TAGS,
    )
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']}: {v['count']} element(s), "
        + "; ".join(v["targets"])
        for v in found
    ]


@pytest.fixture
def browser_page(live_server, transactional_db):
    with launched_chromium() as browser:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, timezone_id="America/New_York"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            wait_until_idle()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
