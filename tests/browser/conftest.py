"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright's own browser download does not work on these machines (see RECIPES.md "Headless Chromium"), so
the tests launch the system Chromium. Without it they are skipped, except in CI (the CI variable is set),
where a missing browser fails the run rather than hiding the tests.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Per action (click, fill, navigation) and per assertion: generous for a loaded CI machine, but bounded.
TIMEOUT_MS = 15_000


@pytest.fixture
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); set CI to make this fail")
    return CHROMIUM


@pytest.fixture
def browser_page(chromium_path, monkeypatch):
    """A fresh browser page. The Playwright sync API runs an event loop in this thread, so Django's ORM
    (used by the test and its fixtures here) must be told that is fine."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.js_errors = []
            page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
            yield page
            context.close()
        finally:
            browser.close()
            # While Playwright's event loop runs in this thread, Django keeps the thread's connections in
            # separate, context-local storage (its connection handler is thread-critical), so the test
            # opened connections of its own. Close them here, inside the loop's lifetime, or PostgreSQL
            # cannot drop the test database at the end of the run.
            connections.close_all()
