"""Password hashing with pwdlib's shape: Argon2id (OWASP parameters by default), legacy
verification (bcrypt; passlib's and Django's formats, see ``authcore.compat.passlib``) with
upgrade on login, and a password policy for new passwords.

Argon2 runs in Rust with the GIL released, so other Python threads keep running while a hash
is computed, and the ``a*`` methods run it in a worker thread so an ``async def`` endpoint never
blocks its event loop. At most :func:`argon2_concurrency` computations run at once in the
process (default: the CPU count; :func:`set_argon2_concurrency` changes it), so a burst of
logins does not allocate 19 MiB each: the others wait, async callers on their event loop::

    hasher = PasswordHasher()
    stored = hasher.hash("correct horse battery staple")
    ok, new_hash = await hasher.averify_and_update(password, stored)
    if ok and new_hash:
        save(new_hash)  # e.g. a bcrypt hash upgraded to Argon2id

``verify`` returns ``False`` for a wrong password and raises for a stored value that is not a
usable hash (``InvalidHashError``: malformed or unsupported; ``HashParamsOutOfBoundsError``:
cost parameters beyond ``bounds``). A corrupt or planted hash is a data problem that should be
seen, not a login failure that hides it; neither case ever authenticates.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, Callable, TypeVar, Union

from ._authcore import (
    Argon2Params,
    HashBounds,
    PasswordPolicy,
    argon2_concurrency,
    check_password,
    check_pepper,
    hash_password,
    needs_rehash,
    set_argon2_concurrency,
    verify_password,
)
from .exceptions import InvalidHashError

__all__ = [
    "Argon2Params",
    "HashBounds",
    "PasswordHasher",
    "PasswordPolicy",
    "argon2_concurrency",
    "check_password",
    "hash_password",
    "needs_rehash",
    "set_argon2_concurrency",
    "verify_password",
]

Password = Union[str, bytes]
Hash = Union[str, bytes]


T = TypeVar("T")

# Per event loop: a semaphore as wide as the Argon2 limit, so async callers beyond it wait on
# their loop instead of each holding a worker thread that waits in Rust.
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[int, asyncio.Semaphore]] = (
    weakref.WeakKeyDictionary()
)


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    loop = asyncio.get_running_loop()
    limit = argon2_concurrency()[0]
    gate = _gates.get(loop)
    if gate is None or gate[0] != limit:
        gate = _gates[loop] = (limit, asyncio.Semaphore(limit))
    async with gate[1]:
        return await asyncio.to_thread(fn, *args)


def _text(hash: Hash) -> str:
    if not isinstance(hash, (bytes, bytearray)):
        return hash
    try:
        return hash.decode("ascii")
    except UnicodeDecodeError:
        raise InvalidHashError("hash string is malformed or unsupported") from None


class PasswordHasher:
    """Hashes and verifies passwords (pwdlib's ``PasswordHash`` interface).

    - ``params``: parameters for new hashes (default ``Argon2Params()``, the core's defaults:
      OWASP's Argon2id, m=19456 KiB, t=2, p=1). Stored hashes made with other parameters
      still verify, and ``needs_rehash`` reports them.
    - ``bounds``: limits on the cost of *stored* hashes that ``verify`` will run (default
      ``HashBounds()``: m ≤ 256 MiB, t ≤ 10, p ≤ 16, bcrypt cost ≤ 14). ``params`` must fall
      within them.
    - ``pepper``: an optional server-side secret (Argon2's secret input) needed to verify
      every hash made with it; keep it outside the database. An empty pepper is refused
      (``InvalidParamsError``). A bcrypt hash cannot carry a pepper: with one set, ``verify``
      (and so ``verify_and_update`` and a login) raises ``InvalidParamsError`` for a bcrypt
      hash instead of ignoring the pepper. To migrate bcrypt users to a peppered service,
      verify their bcrypt hashes with a hasher without the pepper and store this hasher's
      ``hash(password)`` in their place.
    - ``policy``: if given, ``hash`` refuses new passwords that break it
      (``PasswordPolicyError``). Rehashing on login never applies the policy, so a user with
      an old, weaker password is not locked out.

    Passwords given as ``str`` are hashed as UTF-8, without normalization (as argon2-cffi,
    bcrypt and pwdlib do).
    """

    def __init__(
        self,
        params: Argon2Params | None = None,
        bounds: HashBounds | None = None,
        pepper: str | bytes | None = None,
        policy: PasswordPolicy | None = None,
    ) -> None:
        self.params = params if params is not None else Argon2Params()
        self.bounds = bounds if bounds is not None else HashBounds()
        self.bounds.check(self.params)
        self.policy = policy
        # A str is encoded once, here: one with a lone surrogate raises UnicodeEncodeError now.
        self._pepper = pepper.encode() if isinstance(pepper, str) else pepper
        if self._pepper is not None:
            # The core's rule (an empty pepper is InvalidParamsError), checked now so the
            # mistake shows at start-up rather than at the first login.
            check_pepper(self._pepper)
        self._dummy: str | None = None

    @classmethod
    def recommended(cls) -> PasswordHasher:
        """A hasher with the recommended settings (pwdlib's ``PasswordHash.recommended()``)."""
        return cls()

    def __repr__(self) -> str:
        pepper = ", pepper=<set>" if self._pepper is not None else ""
        return f"PasswordHasher(params={self.params!r}, bounds={self.bounds!r}{pepper}, policy={self.policy!r})"

    def hash(self, password: Password) -> str:
        """A new Argon2 PHC string for ``password`` with a fresh random salt."""
        if self.policy is not None:
            self.policy.check(password if isinstance(password, str) else password.decode("utf-8"))
        return hash_password(password, self.params, self._pepper)

    def verify(self, password: Password, hash: Hash) -> bool:
        """``True`` if ``password`` matches the stored Argon2, bcrypt or legacy ``hash``
        (``InvalidParamsError`` for a non-Argon2 hash when a pepper is set)."""
        return verify_password(password, _text(hash), self.bounds, self._pepper)

    def needs_rehash(self, hash: Hash) -> bool:
        """Whether ``hash`` was made with other parameters than ``params`` (or is not Argon2)."""
        return needs_rehash(_text(hash), self.params, self.bounds)

    def verify_and_update(self, password: Password, hash: Hash) -> tuple[bool, str | None]:
        """``(matches, new_hash)``: ``new_hash`` is a fresh hash with the current parameters
        when the password matched and ``hash`` needs a rehash (e.g. legacy bcrypt), else
        ``None``. Store it in place of the old one."""
        hash = _text(hash)
        if not self.verify(password, hash):
            return False, None
        if self.needs_rehash(hash):
            return True, hash_password(password, self.params, self._pepper)
        return True, None

    def dummy_verify(self, password: Password) -> bool:
        """Spends one verification with the current parameters and returns ``False``.

        Call it when a login names an unknown user, so that response times do not reveal which
        accounts exist."""
        if self._dummy is None:
            self._dummy = hash_password(b"authcore dummy password", self.params, self._pepper)
        self.verify(password, self._dummy)
        return False

    async def ahash(self, password: Password) -> str:
        """:meth:`hash` in a worker thread (the event loop keeps running)."""
        return await _in_thread(self.hash, password)

    async def averify(self, password: Password, hash: Hash) -> bool:
        """:meth:`verify` in a worker thread."""
        return await _in_thread(self.verify, password, hash)

    async def averify_and_update(self, password: Password, hash: Hash) -> tuple[bool, str | None]:
        """:meth:`verify_and_update` in a worker thread."""
        return await _in_thread(self.verify_and_update, password, hash)

    async def adummy_verify(self, password: Password) -> bool:
        """:meth:`dummy_verify` in a worker thread."""
        return await _in_thread(self.dummy_verify, password)
