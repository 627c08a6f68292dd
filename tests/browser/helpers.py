"""What browser tests share: accessibility checks with axe-core, screenshots at phone and
laptop width, logging in through the real form, the verification link from the outbox, and
keyboard helpers.

    from tests.browser.helpers import (
        assert_accessible_at_both_widths,  # axe-core at laptop and phone width + screenshots
        assert_no_serious_axe_violations,  # axe-core on the page as it is now
        screenshot,                        # screenshots/<name>-phone.png and -laptop.png
        login,                             # through the login form, as a factory user
        signup,                            # sign-up form + confirmation mail -> logged in
        verification_link,                 # the confirmation link from `mailoutbox`
        focused, tab_to,                   # keyboard: what has focus, Tab until something
    )
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.accounts.factories import PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = REPO_ROOT / "screenshots"

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# WCAG 2.0 and 2.1, levels A and AA: what the platform promises (PRODUCT.md, section 7).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


# --- Problems a page reports by itself -----------------------------------------------------


@dataclass
class PageProblems:
    """JavaScript errors and CSP violations in a browser context (every context the fixtures
    make is watched, and a test that leaves any behind fails)."""

    errors: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.on("weberror", lambda error: self.errors.append(f"JS error: {error.error}"))
        context.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        # Chromium reports CSP violations as console errors ("Refused to apply inline style").
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"CSP violation on {message.location.get('url')}: {message.text}")

    def assert_none(self) -> None:
        assert not self.errors, "The page reported problems:\n" + "\n".join(self.errors)


# --- Accessibility -------------------------------------------------------------------------


def inject_axe(page: Page) -> None:
    """Load axe-core into the current document, once.

    Our CSP (`default-src 'self'`) blocks inline scripts, and `page.add_script_tag(path=...)`
    inserts the file as an inline script, so it is refused. `page.evaluate` runs through the
    DevTools protocol, which the page's CSP does not govern: the CSP stays on for everything
    else, so the tests still catch a template that breaks it.
    """
    if page.evaluate("typeof window.axe === 'object'"):
        return
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")


def axe_violations(
    page: Page,
    *,
    impacts: set[str] = SERIOUS,
    within: str | None = None,
    stylesheets: bool = True,
) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations of the current page with these impacts;
    `within` (a CSS selector) checks only that part of the page. `stylesheets=False` keeps
    axe from reading the style sheets (only its orientation-lock rule needs them): it copies
    a sheet's `@import` (Django admin's forms.css has one) into an inline <style>, which our
    CSP rightly refuses and the test would report as the page's own violation."""
    inject_axe(page)
    result = page.evaluate(
        """async ([tags, within, preload]) => {
            const context = within ? {include: [within]} : document;
            const options = {runOnly: {type: "tag", values: tags}, preload};
            const r = await axe.run(context, options);
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "), summary: n.failureSummary, html: n.html,
                })),
            }));
        }""",
        [AXE_TAGS, within, stylesheets],
    )
    return [violation for violation in result if violation["impact"] in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    - {node['target']}")
            lines.append(f"      {node['html'][:200]}")
            for line in (node["summary"] or "").splitlines():
                lines.append(f"      {line}")
    return "\n".join(lines)


def assert_no_serious_axe_violations(
    page: Page, *, within: str | None = None, stylesheets: bool = True
) -> None:
    """Fail listing every serious or critical WCAG A/AA violation axe-core finds on the page
    (or, with `within`, in the part of it that CSS selector names; see `axe_violations`)."""
    violations = axe_violations(page, within=within, stylesheets=stylesheets)
    assert not violations, (
        f"axe-core found serious/critical accessibility violations on {page.url}:\n"
        + format_violations(violations)
    )


def assert_accessible_at_both_widths(
    page: Page,
    screenshot_name: str | None = None,
    *,
    within: str | None = None,
    stylesheets: bool = True,
) -> None:
    """axe-core at laptop and at phone width (a layout can break only on one of them), then,
    when a name is given, the screenshots. The page ends at the size it had. `within` and
    `stylesheets` as for `axe_violations` (the admin's own chrome has findings of its own)."""
    original = page.viewport_size or LAPTOP
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        assert_no_serious_axe_violations(page, within=within, stylesheets=stylesheets)
    page.set_viewport_size(original)
    if screenshot_name:
        screenshot(page, screenshot_name)


# --- Layout ------------------------------------------------------------------------------


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
    )


def elements_past_the_right_edge(page: Page) -> list[str]:
    """The innermost elements that stick out on the right, to name the culprit of a failure."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter(el => ![...el.children].some(
                child => child.getBoundingClientRect().right > window.innerWidth + 0.5))
            .slice(0, 5)
            .map(el => `${el.localName}.${el.className} "${el.textContent.trim().slice(0, 40)}"`)"""
    )


def words_broken_inside(page: Page, selector: str) -> list[str]:
    """Words in the elements `selector` matches that the browser broke across two lines
    although they would fit on one ("Studentenprojec|t"), as "word (label text)".

    Words are what lies between spaces, hyphens and slashes (the browser may break after
    those). Each word is measured with a Range over its characters: its boxes on more than one line
    mean it was broken. A word wider than its element's whole width may break (there is no
    other way to fit it), so those are left out."""
    return page.evaluate(
        """(selector) => {
            const broken = [];
            for (const element of document.querySelectorAll(selector)) {
                if (!element.getClientRects().length) continue;  // not rendered
                const available = element.parentElement.clientWidth;
                const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    for (const match of node.data.matchAll(/[^\\s\\/-]+/g)) {
                        const range = document.createRange();
                        range.setStart(node, match.index);
                        range.setEnd(node, match.index + match[0].length);
                        const rects = [...range.getClientRects()].filter(r => r.width > 0);
                        const lines = new Set(rects.map(r => Math.round(r.top)));
                        const width = rects.reduce((sum, r) => sum + r.width, 0);
                        if (lines.size > 1 && width <= available) {
                            broken.push(`${match[0]} (${element.textContent.trim()})`);
                        }
                    }
                }
            }
            return broken;
        }""",
        selector,
    )


# --- Screenshots ---------------------------------------------------------------------------


def screenshot(page: Page, name: str) -> list[Path]:
    """Full-page PNGs of the current page at phone and laptop width, into screenshots/.

    `name` becomes the file name (`screenshots/<name>-phone.png`, `-laptop.png`); the page is
    left at the size it had. Returns the paths written.
    """
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    original = page.viewport_size or LAPTOP
    paths = []
    for label, size in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(size)
        path = SCREENSHOT_DIR / f"{name}-{label}.png"
        page.screenshot(path=path, full_page=True, animations="disabled", caret="initial")
        paths.append(path)
    page.set_viewport_size(original)
    return paths


# --- Accounts and mail ---------------------------------------------------------------------


def login(page: Page, live_server, user, *, password: str = PASSWORD, language: str = "nl") -> None:
    """Log `user` in through the real login form (factories give everyone `PASSWORD` and a
    verified email address, which allauth's mandatory verification needs), on the site in
    `language`: the person lands on its home page."""
    from django.utils import translation

    with translation.override(language):
        page.goto(live_server.url + reverse("account_login"))
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("form.account-form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(re.escape(reverse("account_login"))))
    assert is_logged_in(page), f"{user.email} could not log in"


def is_logged_in(page: Page) -> bool:
    """Whether the browser holds a session of a logged-in user (Django sets the session
    cookie for anonymous visitors only when something is stored for them; allauth's login
    always does)."""
    names = {cookie["name"] for cookie in page.context.cookies()}
    return settings.SESSION_COOKIE_NAME in names


def signup(
    page: Page,
    mailoutbox,
    *,
    email: str,
    full_name: str,
    password: str,
    on_the_form: bool = False,
    **extra,
):
    """Sign up through the real form, open the confirmation link from the mail and confirm:
    the person ends logged in, as after a real sign-up. `extra` fills further fields by
    their `name` (`signup(..., organisation="X")`). `on_the_form`: the page is on the
    sign-up form already (reached by a link), else it is opened. Returns the new user."""
    from apps.accounts.models import User

    if not on_the_form:
        page.goto(reverse("account_signup"))
    fields = {"email": email, "full_name": full_name, "password1": password, "password2": password}
    for name, value in {**fields, **extra}.items():
        page.locator(f"form.account-form [name='{name}']").fill(value)
    page.locator("form.account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("account_email_verification_sent"))))
    page.goto(verification_link(mailoutbox, email))
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/confirm-email/"))
    assert is_logged_in(page), f"{email} is not logged in after confirming"
    return User.objects.get(email=email)


LINK = re.compile(r"https?://\S+")


def verification_link(mailoutbox, email: str) -> str:
    """The email-confirmation link in the last message to `email`.

    The live server runs in a thread of the test process, and Django's locmem backend
    appends to the module-level `django.core.mail.outbox`, so `mailoutbox` sees its mail.
    """
    messages = [message for message in mailoutbox if email in message.to]
    assert messages, f"no mail to {email}; outbox: {[m.to for m in mailoutbox]}"
    links = [link for link in LINK.findall(messages[-1].body) if "/confirm-email/" in link]
    assert links, f"no confirmation link in:\n{messages[-1].body}"
    return links[0]


# --- Keyboard ------------------------------------------------------------------------------


def focused(page: Page) -> dict:
    """Describe the focused element: tag, id, name, type, value, text, the landmark it is in
    (`region`: "header", "main", "footer") and whether a focus indicator is drawn
    (`visibleFocus`: an outline of 2px or more, or a box-shadow ring)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {tag: "body"};
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
            const ring = style.boxShadow && style.boxShadow !== "none";
            return {
                tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
                type: el.getAttribute("type"), text: el.innerText ? el.innerText.trim() : "",
                value: el.value ?? null, visibleFocus: outline || ring,
                region: (el.closest("header, main, footer") || {}).localName || null,
                matchesFocusVisible: el.matches(":focus-visible"),
            };
        }"""
    )


def tab_to(page: Page, predicate, *, limit: int = 60, backwards: bool = False) -> dict:
    """Press Tab until `predicate(focused(page))` is true; returns the focused element.

    Fails after `limit` presses, listing what got focus on the way: that list is the focus
    order, which makes a broken order easy to read in the failure."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        current = focused(page)
        seen.append(current)
        if predicate(current):
            return current
    order = "\n".join(f"  {item}" for item in seen)
    raise AssertionError(f"focus never reached the element after {limit} Tabs:\n{order}")


__all__ = [
    "AXE_SCRIPT",
    "CHROMIUM",
    "LAPTOP",
    "PHONE",
    "SCREENSHOT_DIR",
    "PageProblems",
    "assert_accessible_at_both_widths",
    "assert_no_serious_axe_violations",
    "axe_violations",
    "elements_past_the_right_edge",
    "focused",
    "horizontal_overflow",
    "is_logged_in",
    "login",
    "screenshot",
    "signup",
    "tab_to",
    "verification_link",
    "words_broken_inside",
]
