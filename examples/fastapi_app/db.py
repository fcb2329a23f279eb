"""The example's SQLite user store (stdlib ``sqlite3``; the file is created on first use).

One short-lived connection per call keeps it safe to use from FastAPI's thread pool; WAL mode
lets readers run while a login writes an upgraded hash.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authcore.fastapi import Credentials

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL DEFAULT '',
    scopes        TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS grades (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES users(id),
    course     TEXT NOT NULL,
    grade      TEXT NOT NULL,
    teacher_id INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class User:
    """An account as the API sees it (never carries the password hash)."""

    id: int
    email: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class Grade:
    id: int
    student: str
    course: str
    grade: str


def _user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        roles=tuple(row["roles"].split()),
        scopes=tuple(row["scopes"].split()),
        active=bool(row["active"]),
    )


class UserDB:
    """Users and grades in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        # Switching a new file to WAL takes an exclusive lock, and SQLite answers a process
        # racing another through it (two workers starting) with an immediate "database is
        # locked", without waiting: so wait here, as the busy timeout would have.
        deadline = time.monotonic() + 10
        delay = 0.005
        while True:
            try:
                with closing(self._connect()) as db, db:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.executescript(SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.1)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        return db

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with closing(self._connect()) as db:
            return db.execute(sql, args).fetchall()

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        with closing(self._connect()) as db, db:
            cur = db.execute(sql, args)
            return cur.lastrowid if cur.lastrowid is not None else cur.rowcount

    # -- callbacks for AuthCore --------------------------------------------------------------

    def get_user(self, subject: str) -> User | None:
        """``load_user``: the active user whose id is ``subject``."""
        if not subject.isdigit() or len(subject) > 18:
            return None
        rows = self._rows("SELECT * FROM users WHERE id = ? AND active = 1", (int(subject),))
        return _user(rows[0]) if rows else None

    def get_credentials(self, email: str) -> Credentials | None:
        """``load_credentials``: login lookup by e-mail (case-insensitive)."""
        rows = self._rows("SELECT * FROM users WHERE email = ?", (email,))
        if not rows:
            return None
        row = rows[0]
        return Credentials(
            subject=str(row["id"]),
            password_hash=row["password_hash"],
            roles=tuple(row["roles"].split()),
            scopes=tuple(row["scopes"].split()),
            active=bool(row["active"]),
        )

    def set_password_hash(self, subject: str, new_hash: str) -> None:
        """``update_password_hash``: store a re-hashed password after login."""
        self._write(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
            (new_hash, int(time.time()), int(subject)),
        )

    # -- app queries -------------------------------------------------------------------------

    def password_hash(self, email: str) -> str | None:
        rows = self._rows("SELECT password_hash FROM users WHERE email = ?", (email,))
        return rows[0]["password_hash"] if rows else None

    def upsert_user(
        self, email: str, password_hash: str, roles: tuple[str, ...], scopes: tuple[str, ...]
    ) -> int:
        now = int(time.time())
        self._write(
            "INSERT INTO users (email, password_hash, roles, scopes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(email) DO UPDATE SET"
            " password_hash = excluded.password_hash, roles = excluded.roles,"
            " scopes = excluded.scopes, active = 1, updated_at = excluded.updated_at",
            (email, password_hash, " ".join(roles), " ".join(scopes), now, now),
        )
        user_id: int = self._rows("SELECT id FROM users WHERE email = ?", (email,))[0]["id"]
        return user_id

    def set_active(self, email: str, active: bool) -> None:
        self._write("UPDATE users SET active = ? WHERE email = ?", (int(active), email))

    def users(self) -> Iterator[tuple[User, str]]:
        """Every user with the scheme of its stored hash (``argon2id``, ``bcrypt``…)."""
        for row in self._rows("SELECT * FROM users ORDER BY id"):
            yield _user(row), _scheme(row["password_hash"])

    def grades(self, student_id: int | None = None) -> list[Grade]:
        sql = (
            "SELECT g.id, u.email AS student, g.course, g.grade FROM grades g"
            " JOIN users u ON u.id = g.student_id"
        )
        args: tuple[Any, ...] = ()
        if student_id is not None:
            sql += " WHERE g.student_id = ?"
            args = (student_id,)
        rows = self._rows(sql + " ORDER BY g.id", args)
        return [Grade(r["id"], r["student"], r["course"], r["grade"]) for r in rows]

    def add_grade(
        self, student_email: str, course: str, grade: str, teacher_id: int
    ) -> Grade | None:
        rows = self._rows("SELECT id FROM users WHERE email = ?", (student_email,))
        if not rows:
            return None
        gid = self._write(
            "INSERT INTO grades (student_id, course, grade, teacher_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (rows[0]["id"], course, grade, teacher_id, int(time.time())),
        )
        return Grade(gid, student_email, course, grade)

    def has_grades(self) -> bool:
        return bool(self._rows("SELECT 1 FROM grades LIMIT 1"))


def _scheme(phc: str) -> str:
    if phc.startswith("$argon2"):
        return phc.split("$")[1]
    if phc.startswith("$2"):
        return "bcrypt"
    return "unknown"
