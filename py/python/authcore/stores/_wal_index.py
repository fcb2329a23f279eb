"""Whether an SQLite database in WAL mode changed, without a query.

In WAL mode SQLite keeps a shared index beside the database (its ``-shm`` file, which every
connection maps into memory). Its first 96 bytes are two copies of a 48-byte header that every
commit rewrites — the change counter ``iChange`` goes up by one and ``mxFrame`` moves
(https://sqlite.org/walformat.html, "The WAL-Index Header"): the writer writes the second copy,
then the first, and a reader trusts the header only when both agree. So the same consistent 96
bytes read twice mean that no transaction committed in between, in this process or any other.
Processes running different SQLite versions share one index at once, so its layout has stayed
as SQLite 3.7.0 made it; its version field is checked all the same.

Reading it costs a slice of a memory map (~0.1 µs), where the smallest query costs several
microseconds (and several times that on a busy server, its code and pages no longer in the
CPU's caches). :class:`~authcore.stores.SQLiteStore` uses it to remember "not revoked"
answers until the next commit.

A view is only opened for an index that SQLite has mapped in this process (found in
``/proc/self/maps``, same device and inode), so it is the live one, wherever SQLite keeps it.
It must only be read while a connection of this process has the index open: SQLite holds a
shared lock on it meanwhile, without which another process may shrink the file under the map.
Views are never closed: closing any descriptor of a file drops every POSIX lock this process
holds on it (fcntl(2)), SQLite's own locks included.
"""

from __future__ import annotations

import mmap
import os
import sys
import threading

__all__ = ["WalIndexView", "view_of"]

_HEADER_LEN = 48
"""One copy of the WAL-index header (``WalIndexHdr``); two copies lead the index."""
_WAL_INDEX_VERSION = 3007000
"""``iVersion``, the header's first field (native byte order)."""
_IS_INIT = 12
"""Offset of ``isInit``: 1 once the header holds a valid index."""

_views: dict[tuple[int, int, int], WalIndexView] = {}  # by (major, minor, inode)
_views_lock = threading.Lock()


class WalIndexView:
    """A read-only map of the head of one WAL index."""

    __slots__ = ("_map",)

    def __init__(self, view: mmap.mmap) -> None:
        self._map = view

    def header(self) -> bytes | None:
        """Both copies of the header as they are now, or ``None`` when they disagree (a commit
        in progress) or do not hold an index of the known version."""
        both = self._map[: 2 * _HEADER_LEN]
        if (
            both[:_HEADER_LEN] != both[_HEADER_LEN:]
            or both[_IS_INIT] != 1
            or int.from_bytes(both[:4], sys.byteorder) != _WAL_INDEX_VERSION
        ):
            return None
        return both

    def unchanged(self, header: bytes) -> bool:
        """Whether the header is still ``header`` (as :meth:`header` gave it): nothing was
        committed since."""
        return self._map[: 2 * _HEADER_LEN] == header


def _mapped_by_sqlite(db_path: str) -> tuple[str, int, int, int] | None:
    """The ``-shm`` file of ``db_path`` as this process maps it: path, device major and minor,
    inode; ``None`` when no such map is found."""
    names = {os.path.abspath(db_path) + "-shm", os.path.realpath(db_path) + "-shm"}
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5].rstrip("\n") in names:
                    major, minor = (int(part, 16) for part in fields[3].split(":"))
                    return fields[5].rstrip("\n"), major, minor, int(fields[4])
    except (OSError, ValueError):
        pass
    return None


def view_of(db_path: str) -> WalIndexView | None:
    """The view of ``db_path``'s WAL index, opened once per process, or ``None`` when SQLite
    has none mapped here (not in WAL mode, no connection has read yet, no ``/proc``) or it
    cannot be opened. Call it only while a connection of this process has read the file."""
    found = _mapped_by_sqlite(db_path)
    if found is None:
        return None
    path, major, minor, inode = found
    with _views_lock:
        view = _views.get((major, minor, inode))
        if view is not None:
            return view
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        # from here on ``fd`` is never closed (see the module docstring)
        try:
            st = os.fstat(fd)
            if (st.st_ino, os.major(st.st_dev), os.minor(st.st_dev)) != (inode, major, minor):
                return None  # replaced since SQLite mapped it: not the live index
            view = WalIndexView(mmap.mmap(fd, 2 * _HEADER_LEN, access=mmap.ACCESS_READ))
        except (OSError, ValueError):
            return None
        _views[(major, minor, inode)] = view
        return view
