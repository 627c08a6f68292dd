"""A web process warmed before it serves (apps/core/warming.py), as gunicorn's master does
before forking its workers (deploy/gunicorn.conf.py, `when_ready`)."""

import runpy
from pathlib import Path

from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from apps.core.warming import project_template_names, warm_up_process


def _cached_loader():
    loader = engines["django"].engine.template_loaders[0]
    assert hasattr(loader, "get_template_cache"), "the cached template loader is in use"
    return loader


def test_warming_compiles_every_project_template_loads_the_urls_and_both_catalogues(
    monkeypatch,
):
    loader = _cached_loader()
    loader.reset()
    clear_url_caches()
    monkeypatch.setattr(trans_real, "_translations", {})

    done = warm_up_process()

    names = project_template_names()
    assert "base.html" in names and "challenges/challenge_list.html" in names
    assert done["templates"] == len(names) > 100
    assert set(names) <= set(loader.get_template_cache)
    assert get_resolver()._populated
    assert {"nl", "en"} <= set(trans_real._translations)


def test_gunicorns_master_warms_the_process_before_forking(settings, monkeypatch):
    settings.SEARCH_BY_MEANING = False  # the model and vectors: tests/semantics
    loader = _cached_loader()
    loader.reset()
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))

    config["when_ready"](None)

    assert "challenges/challenge_list.html" in loader.get_template_cache
