"""Session stores: refresh rotation with reuse detection, revocation and rate limiting.

One interface (:class:`SessionStore`), three implementations:

==================== =================================================================
:class:`MemoryStore`  one process; nothing survives a restart (tests, demos)
:class:`SQLiteStore`  the embedded default; survives restarts; processes on one machine
:class:`RedisStore`   several app instances behind a load balancer share one Redis
==================== =================================================================

Pick one from a URL with :func:`store_from_url`, and give it to :class:`Sessions` with the
app's :class:`SessionPolicy` (token lifetimes). A store that cannot be reached raises
:class:`StoreUnavailableError`: callers fail closed.

.. code-block:: python

    from authcore.stores import Sessions, SessionPolicy, store_from_url

    sessions = Sessions(store_from_url("redis://127.0.0.1:6379/0"), SessionPolicy(900, 7 * 86400))
"""

from __future__ import annotations

from ..exceptions import (
    RateLimitedError,
    StoreUnavailableError,
    TokenReusedError,
    TokenRevokedError,
)
from ._base import Decision, Quota, RefreshOutcome, SessionPolicy, SessionStore, parse_quota
from .memory import MemoryStore
from .redis_store import RedisStore
from .sessions import (
    DEFAULT_LOGIN_PER_ACCOUNT,
    DEFAULT_LOGIN_PER_CLIENT,
    DEFAULT_LOGIN_PER_USER,
    Sessions,
)
from .sqlite import SQLiteStore

__all__ = [
    "DEFAULT_LOGIN_PER_ACCOUNT",
    "DEFAULT_LOGIN_PER_CLIENT",
    "DEFAULT_LOGIN_PER_USER",
    "Decision",
    "MemoryStore",
    "Quota",
    "RateLimitedError",
    "RedisStore",
    "RefreshOutcome",
    "SQLiteStore",
    "SessionPolicy",
    "SessionStore",
    "Sessions",
    "StoreUnavailableError",
    "TokenReusedError",
    "TokenRevokedError",
    "parse_quota",
    "store_from_url",
]


def store_from_url(url: str) -> SessionStore:
    """``memory://``, ``sqlite:///relative.db`` or ``sqlite:////absolute/path.db``,
    ``redis://host:port/db`` (also ``rediss://`` and ``unix://``) → a store."""
    if url == "memory://":
        return MemoryStore()
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path:
            raise ValueError(
                "sqlite store URL needs a path: sqlite:///file.db or sqlite:////abs/file.db"
            )
        return SQLiteStore(path)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url)
    raise ValueError(
        "store URL must start with memory://, sqlite:///, redis://, rediss:// or unix://"
    )
