"""Real headless Chromium (Debian's package) driven by Playwright, against a live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "bench" / "out" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser():
    if not os.path.exists(CHROMIUM):
        message = (
            f"Chromium is not installed at {CHROMIUM}: install the Debian packages "
            "'chromium' and 'chromium-driver' (make browser does it as root)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI never skips the browser tests.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test bodies' ORM calls are
    # still synchronous, which Django allows only with this flag, so it is set for these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """Return a factory of pages, each in its own browser context (its own session)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(live_server):
    def do_login(page, username, password):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    return do_login


@pytest.fixture
def screenshot():
    def take(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def ranked_seeds(db):
    """Load the seed articles and their suggestions; return the claims, most worth checking first."""
    from django.core.management import call_command

    from annotations.models import Claim
    from annotations.tests.conftest import run_queued_jobs

    call_command("load_seeds", verbosity=0)
    run_queued_jobs()
    return Claim.objects.order_by("-checkworthiness", "id")
