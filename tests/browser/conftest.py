"""Browser tests: Playwright drives Debian's Chromium against pytest-django's `live_server`.

Prerequisites are /usr/bin/chromium (`apt-get install chromium`) and axe-core from
`npm ci`. Without them the tests skip, unless REQUIRE_BROWSER_TESTS=1 (CI) makes that a
failure. Playwright never downloads a browser here.

pytest-playwright's fixtures (`page`, `context`, `new_context`, `browser`) are used as they
are, with these changes made in this file (besides launching /usr/bin/chromium):

- Playwright's sync API keeps an asyncio loop marked as running in the main thread while it
  is started, which makes Django refuse ORM calls there ("cannot call this from an async
  context"). So Playwright lives for this package only (the session-scoped fixtures are
  redefined with package scope) and DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that time:
  the rest of the suite still runs with the loop gone and the guard on.
- Every context gets the live server as `base_url` (`page.goto("/en/")`) and a laptop
  viewport.
- Every context (`page`, `context`, or several from `new_context` for several people)
  records JavaScript errors and Content-Security-Policy violations; a test that causes one
  fails, because the CSP stays on in these tests (see helpers.inject_axe).
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserType, Playwright, sync_playwright

from tests.browser.helpers import AXE_SCRIPT, CHROMIUM, LAPTOP, PageProblems

BROWSER_ARGS = [
    # Chromium's sandbox needs user namespaces, which containers and CI runners often lack.
    "--no-sandbox",
    "--disable-gpu",
    # No calls home: updates, field trials, sync. Tests must not depend on the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing_prerequisites() -> list[str]:
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (install Debian's chromium: apt-get install chromium)")
    if not AXE_SCRIPT.is_file():
        missing.append(f"{AXE_SCRIPT} (run `npm ci` in the repository root)")
    return missing


def pytest_collection_modifyitems(config, items):
    """Everything in this folder drives the browser: mark it (`-m "not browser"` skips it)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip (or, when CI demands them, fail) before any browser fixture tries to launch."""
    if item.get_closest_marker("browser") is None:
        return
    missing = _missing_prerequisites()
    if not missing:
        return
    reason = "browser tests need " + " and ".join(missing)
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": BROWSER_ARGS}


# pytest-playwright's session fixtures, package-scoped (see the module docstring).
@pytest.fixture(scope="package")
def playwright(_allow_orm_beside_playwright, _pw_api_request_contexts) -> Iterator[Playwright]:
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args: dict, browser_type: BrowserType):
    def launch(**kwargs) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server) -> dict:
    return {"base_url": live_server.url, "viewport": LAPTOP, "locale": "nl-NL"}


@pytest.fixture
def page_problems() -> PageProblems:
    """JS errors and CSP violations seen in this test's browser contexts."""
    return PageProblems()


@pytest.fixture
def new_context(new_context, page_problems: PageProblems) -> Iterator:
    """pytest-playwright's context factory (behind `context` and `page` too), watched for
    JS errors and CSP violations: a test that causes one fails."""

    def watched_context(**kwargs):
        context = new_context(**kwargs)
        page_problems.watch(context)
        return context

    yield watched_context
    page_problems.assert_none()
