"""What a web process does once, before it serves, so that no visitor waits for it.

Django leaves a process's first request to load the URL configuration (every app's urls.py
and the views they import), to compile each template on first use (the cached template
loader keeps it afterwards) and to read each language's translation catalogue. gunicorn's
master preloads the app and then forks its workers: done there, this work is inherited by
every worker, also by each one that `max_requests` recycles, instead of being paid again by
the first requests each worker serves (measured at national size: a fresh worker's first
challenge list took 2.1 s, its second 41 ms).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def project_template_names() -> list[str]:
    """The names of the project's own templates (templates/ and every app's templates/),
    as the template loaders find them."""
    base = Path(settings.BASE_DIR)
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", ())]
    roots += sorted((base / "apps").glob("*/templates"))
    names = set()
    for root in roots:
        names.update(path.relative_to(root).as_posix() for path in root.rglob("*.html"))
    return sorted(names)


def warm_up_process() -> dict[str, int]:
    """Load the URL configuration, compile the project's templates and read the translation
    catalogues of every language of the site. Returns what it did (for the log and tests);
    a template that does not compile is logged and left for its page to report."""
    get_resolver()._populate()
    compiled = 0
    engine = engines["django"]
    for name in project_template_names():
        try:
            engine.get_template(name)
            compiled += 1
        except TemplateSyntaxError:
            logger.exception("template %s does not compile", name)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Challenges")
    return {"templates": compiled, "languages": len(settings.LANGUAGES)}


def in_background(work, *, name: str) -> threading.Thread:
    """Run `work()` in a daemon thread of this process (a worker that has started serving):
    a failure is logged, and the thread's database connections are closed when it ends."""

    def run() -> None:
        from django.db import connections

        try:
            work()
        except Exception:
            logger.exception("%s failed", name)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
