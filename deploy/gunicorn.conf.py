"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
wsgi_app = "learningcommunities.wsgi:application"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker serve a second request while the first waits on PostgreSQL.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A worker takes only the connections it can serve now; the rest wait in the listen backlog
# that all workers share, for whichever frees a thread first. By default (1000) a worker
# accepts far more and queues them behind its threads: a slow page then holds others up in
# that one worker, and a recycling worker still holding such a queue past graceful_timeout is
# killed with it, resetting every connection in it (seen in the load benchmark, and on a toy
# app: 21 resets in 283 requests, none with this setting).
worker_connections = threads
timeout = 60
# Workers are recycled to bound slow memory growth, at a spread-out moment each (the jitter), so
# they never all restart at once. A recycling worker stops accepting, answers what it already
# accepted and exits as soon as the last answer is out; graceful_timeout only caps that wait,
# and what is still running then is cut off. So it is longer than the longest request a worker
# may hold: a CSV import in the admin, or "For you" at national size on a busy machine (in the
# load benchmark requests of over 100 s were cut at the former 30 s). `timeout` does not bound
# requests with threads: the main loop sends the heartbeat.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
graceful_timeout = 120
# The app is imported once in the master and each worker is forked from it, so a recycled
# worker serves at once instead of first spending a couple of seconds of CPU importing Django
# while the others carry its share. Nothing opens a connection at import time (connections,
# cache clients and Celery's broker connection are made on first use, in the worker). Code
# changes need a restart of the master (a new container), not a HUP.
preload_app = True
# No keep-alive: every response says "Connection: close", so a worker never holds an idle
# connection. A recycling worker closes the idle kept-alive connections it holds (gunicorn 27
# a couple of seconds into the restart; benoitc/gunicorn#3038), and a client that sends its
# next request on one just then meets a closed socket: "connection reset by peer". The
# keep-alive timeout races the same way. With keep-alive off, every connection a worker closes
# is one it has answered. Measured by `make bench BENCH=load` (bench/README.md): with
# keep-alive 2 s and 32 recycles, 10 of 541 requests were reset; with it off, 0 of 515 in 37.
# Browsers keep their connections to the proxy in front; a fresh connection from the proxy to
# gunicorn per request costs well under a millisecond.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """In the master, once the app is loaded and before the first worker is forked: do here
    what each worker would otherwise do on its first requests (apps/core/warming.py), and
    load the embedding model and the stored vectors, so every worker, a recycled one too,
    starts with them shared instead of loading its own copy
    (apps/semantics/embeddings.py, `warm_up_before_fork`)."""
    from django.conf import settings

    from apps.core.warming import warm_up_process
    from apps.semantics.embeddings import warm_up_before_fork

    warm_up_process()
    if settings.SEARCH_BY_MEANING:
        warm_up_before_fork()


def post_worker_init(worker):
    """While the worker already serves (no request waits for this): catch up with the vectors
    stored since the master loaded them (all of them if the master could not), and count the
    insights' figures of every scope not counted yet, shared with the other workers
    (apps/insights/selectors.py, `shared_figures_count_all`)."""
    from django.conf import settings

    from apps.core.warming import in_background
    from apps.insights.selectors import shared_figures_count_all
    from apps.semantics.embeddings import warm_up_in_background

    if settings.SEARCH_BY_MEANING:
        warm_up_in_background()
    in_background(shared_figures_count_all, name="insights-count-all")
