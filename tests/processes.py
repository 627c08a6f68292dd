"""For the tests that start real processes beside the suite (the `make run` launcher, a web
server for an outside contract tester, worker processes): a free loopback port, and a
PostgreSQL database of their own on the suite's server."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_statement(statement: str) -> None:
    """Run `statement` on the suite's PostgreSQL server, outside any database's transaction
    (CREATE and DROP DATABASE)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(statement)


@contextmanager
def scratch_database(purpose: str) -> Iterator[str]:
    """An empty database for `purpose`, dropped afterwards; yields its `DATABASE_URL`: the
    suite's own address with another name (the machine's server, or the embedded one
    `make test` starts, which is a unix socket without a port). Named per pytest run
    (`PYTEST_DB_SUFFIX`), so parallel runs on one server keep apart."""
    name = f"lc_{purpose}_{os.environ.get('PYTEST_DB_SUFFIX', 'main')}".replace("-", "_")
    server_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server_statement(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    finally:
        server_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
