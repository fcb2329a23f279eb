"""Type stubs for the native module ``authcore._authcore`` (the Rust binding).

Every failure raises a subclass of ``authcore.exceptions.AuthError`` carrying the core's
``.code`` (see ``ERROR_CODES``), except argument type errors (``TypeError``/``ValueError``).

``mypy.stubtest`` checks this file against the module (``py/tests/test_stubs.py``). A PyO3 class
is built by ``__new__`` (its ``__init__`` is ``object``'s), a default PyO3 cannot show (a named
constant, a string, a tuple) is written ``...``, and a class with ``__eq__`` but no ``__hash__``
declares ``__hash__: ClassVar[None]``.
"""

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Literal, TypeAlias, final

__version__: str
#: Every error code of the core, in declaration order.
ERROR_CODES: list[str]
#: Default maximum token length in bytes (8192).
DEFAULT_MAX_TOKEN_LEN: int
#: Minimum HS256 secret length in bytes (32).
MIN_SECRET_LEN: int
#: The JWS algorithms the core signs and verifies: ``["HS256", "EdDSA"]``.
ALGORITHMS: list[str]
RECOMMENDED_REFRESH_GRACE: int
MAX_REFRESH_GRACE: int
#: Default access-token lifetime in seconds (15 minutes).
DEFAULT_ACCESS_TTL: int
#: Default refresh-token lifetime in seconds (7 days).
DEFAULT_REFRESH_TTL: int
#: How many verified access tokens an ``AccessVerifier`` remembers by default (1024).
DEFAULT_TOKEN_CACHE_SIZE: int
#: Default clock leeway in seconds (none).
DEFAULT_LEEWAY: int
#: Fewest characters in a token or family id (16).
MIN_ID_LEN: int
#: Most characters in a token or family id (64).
MAX_ID_LEN: int

_Secret: TypeAlias = str | bytes | bytearray
_Names: TypeAlias = str | Iterable[str]

# --- tokens ---------------------------------------------------------------------------------

@final
class Key:
    """An HS256 key: a secret of at least 32 bytes (``str`` is UTF-8 encoded) and an optional
    ``kid`` (1–64 printable ASCII bytes, no ``"`` or ``\\``). ``allow_weak=True`` accepts
    shorter secrets, for migrating legacy deployments only."""

    def __new__(
        cls, secret: _Secret, kid: str | None = None, *, allow_weak: bool = False
    ) -> Key: ...
    @property
    def kid(self) -> str | None: ...
    @property
    def is_weak(self) -> bool: ...
    @property
    def algorithm(self) -> str:
        """``"HS256"``: the only algorithm this key signs and verifies."""

_Jwk: TypeAlias = str | bytes | dict[str, Any]

@final
class Ed25519PublicKey:
    """An Ed25519 public key: verifies EdDSA tokens, cannot sign. Small-order and
    non-canonical keys are refused (``invalid_key``). ``kid`` defaults to the RFC 7638
    thumbprint."""

    @staticmethod
    def from_bytes(raw: bytes, kid: str | None = None) -> Ed25519PublicKey:
        """The key from its 32-byte encoding (RFC 8032)."""
    @staticmethod
    def from_pem(pem: str | bytes, kid: str | None = None) -> Ed25519PublicKey:
        """The key from a ``-----BEGIN PUBLIC KEY-----`` (SPKI, RFC 8410) block."""
    @staticmethod
    def from_jwk(jwk: _Jwk) -> Ed25519PublicKey:
        """The key from a public JWK (``kty`` ``OKP``, ``crv`` ``Ed25519``, ``x``; a ``d`` is
        refused). Its ``kid``, when present, is kept."""
    @property
    def kid(self) -> str: ...
    @property
    def algorithm(self) -> str:
        """``"EdDSA"``."""
    def public_bytes(self) -> bytes:
        """The 32-byte encoding."""
    def public_pem(self) -> str:
        """The SPKI PEM block."""
    def public_jwk(self) -> dict[str, Any]:
        """The public JWK, ``kid`` included."""

@final
class Ed25519PrivateKey:
    """An Ed25519 private key: signs EdDSA tokens (and verifies with its public half). The
    private key never appears in ``repr``."""

    @staticmethod
    def generate(kid: str | None = None) -> Ed25519PrivateKey:
        """A new key from 32 bytes of the OS random source."""
    @staticmethod
    def from_seed(seed: bytes, kid: str | None = None) -> Ed25519PrivateKey:
        """The key from its 32-byte seed (RFC 8032's private key)."""
    @staticmethod
    def from_pem(pem: str | bytes, kid: str | None = None) -> Ed25519PrivateKey:
        """The key from a ``-----BEGIN PRIVATE KEY-----`` (PKCS#8 v1 or v2, RFC 8410) block."""
    @staticmethod
    def from_jwk(jwk: _Jwk) -> Ed25519PrivateKey:
        """The key from a private JWK (``d`` and ``x``, which must agree)."""
    @property
    def kid(self) -> str: ...
    @property
    def algorithm(self) -> str:
        """``"EdDSA"``."""
    def public_key(self) -> Ed25519PublicKey: ...
    def public_pem(self) -> str: ...
    def public_jwk(self) -> dict[str, Any]: ...
    def private_pem(self) -> str:
        """The PKCS#8 v1 PEM block (keep it secret)."""

_AnyKey: TypeAlias = Key | Ed25519PublicKey | Ed25519PrivateKey

@final
class KeySet:
    """Keys for rotation: a token's ``kid`` picks its key (unknown ``kid`` is rejected), tokens
    without ``kid`` use the default key (the first, or ``default_kid``), which also signs. HS256
    and Ed25519 keys mix; each verifies only its own algorithm."""

    def __new__(cls, keys: Sequence[_AnyKey], default_kid: str | None = None) -> KeySet: ...
    @staticmethod
    def from_jwks(jwks: _Jwk) -> KeySet:
        """The public keys of a JWKS document (duplicate ``kid``s refused); verifies only."""
    @property
    def kids(self) -> list[str | None]: ...
    @property
    def default_kid(self) -> str | None: ...
    def jwks(self) -> dict[str, Any]:
        """The JWKS document of the set's Ed25519 public keys (HS256 secrets never appear)."""
    def __len__(self) -> int: ...

_Keys: TypeAlias = Key | KeySet | Ed25519PublicKey | Ed25519PrivateKey | str | bytes

def encode(
    payload_json: bytes,
    key: _Keys,
    typ: str | None = None,
    kid: str | None = None,
    header_json: bytes | None = None,
    alg: str = "HS256",
) -> str:
    """Signs serialized JSON claims (checked with the verifier's structural rules first).
    ``typ`` is ``"JWT"`` (default) or ``"at+jwt"``; ``kid`` defaults to the key's.
    ``header_json``, when given, is the whole header (checked with the verifier's header
    rules: ``alg`` HS256; no ``crit``, ``b64``, ``jku``, ``jwk``, ``x5u``, ``x5c``)."""

def encode_claims(
    claims: Any,
    key: _Keys,
    typ: str | None = None,
    kid: str | None = None,
    alg: str = "HS256",
) -> str | None:
    """Serializes ``claims`` byte-identically to ``json.dumps(claims, separators=(",", ":"))``
    and signs it; ``None`` when a value needs ``json.dumps`` (then use ``encode``)."""

def decode(
    token: str | bytes,
    keys: _Keys,
    now: int,
    leeway: int = 0,
    issuer: _Names | None = None,
    audience: _Names | None = None,
    verify_aud: bool = True,
    subject: str | None = None,
    token_type: str | None = None,
    required: _Names | None = None,
    verify_exp: bool = True,
    verify_nbf: bool = True,
    verify_iat: bool = True,
    max_token_len: int = ...,
    strict_aud: bool = False,
    algorithms: Sequence[str] | None = None,
) -> bytes:
    """Verifies ``token`` (signature first, then the claims at ``now``, Unix seconds) and
    returns the verified payload JSON. ``required`` defaults to ``["exp"]``, ``max_token_len``
    to ``DEFAULT_MAX_TOKEN_LEN``."""

def decode_dict(
    token: str | bytes,
    keys: _Keys,
    now: int,
    leeway: int = 0,
    issuer: _Names | None = None,
    audience: _Names | None = None,
    verify_aud: bool = True,
    subject: str | None = None,
    token_type: str | None = None,
    required: _Names | None = None,
    verify_exp: bool = True,
    verify_nbf: bool = True,
    verify_iat: bool = True,
    max_token_len: int = ...,
    strict_aud: bool = False,
    algorithms: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Like ``decode``, returning the claims as a ``dict`` (what ``json.loads`` would give)."""

def decode_unverified(
    token: str | bytes,
    max_token_len: int = ...,
    *,
    now: int = 0,
    leeway: int = 0,
    issuer: _Names | None = None,
    audience: _Names | None = None,
    verify_aud: bool = False,
    subject: str | None = None,
    token_type: str | None = None,
    required: _Names | None = None,
    verify_exp: bool = False,
    verify_nbf: bool = False,
    verify_iat: bool = False,
    strict_aud: bool = False,
) -> bytes:
    """The payload JSON **without verifying the signature**; structure still checked. Claim
    checks run only where switched on."""

def get_unverified_header(token: str | bytes) -> bytes:
    """The header JSON **without verifying anything** (a ``kid`` the verifier would refuse
    raises ``InvalidHeaderError``)."""

# --- passwords ------------------------------------------------------------------------------

@final
class Argon2Params:
    """Parameters for new Argon2 hashes (default: OWASP's Argon2id m=19456, t=2, p=1)."""

    OWASP: ClassVar[Argon2Params]
    RFC9106_LOW_MEMORY: ClassVar[Argon2Params]
    def __new__(
        cls,
        m_cost: int = ...,
        t_cost: int = ...,
        p_cost: int = ...,
        *,
        algorithm: str = ...,
        output_len: int = ...,
        salt_len: int = ...,
    ) -> Argon2Params:
        """Defaults: the core's ``DEFAULT_M_COST`` (19456 KiB), ``DEFAULT_T_COST`` (2),
        ``DEFAULT_P_COST`` (1), ``"argon2id"``, ``DEFAULT_OUTPUT_LEN`` (32),
        ``DEFAULT_SALT_LEN`` (16)."""
    @property
    def m_cost(self) -> int: ...
    @property
    def t_cost(self) -> int: ...
    @property
    def p_cost(self) -> int: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def output_len(self) -> int: ...
    @property
    def salt_len(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class HashBounds:
    """Inclusive ``(min, max)`` limits on the cost of stored hashes that verification runs."""

    def __new__(
        cls,
        *,
        m_cost: tuple[int, int] = ...,
        t_cost: tuple[int, int] = ...,
        p_cost: tuple[int, int] = ...,
        salt_len: tuple[int, int] = ...,
        output_len: tuple[int, int] = ...,
        bcrypt_cost: tuple[int, int] = ...,
        pbkdf2_iterations: tuple[int, int] = ...,
        sha_crypt_rounds: tuple[int, int] = ...,
        sha_crypt_password_len: int = ...,
        bcrypt_truncate: bool = ...,
        allow_md5_crypt: bool = ...,
        allow_plaintext: bool = ...,
    ) -> HashBounds: ...
    @property
    def m_cost(self) -> tuple[int, int]: ...
    @property
    def t_cost(self) -> tuple[int, int]: ...
    @property
    def p_cost(self) -> tuple[int, int]: ...
    @property
    def salt_len(self) -> tuple[int, int]: ...
    @property
    def output_len(self) -> tuple[int, int]: ...
    @property
    def bcrypt_cost(self) -> tuple[int, int]: ...
    @property
    def pbkdf2_iterations(self) -> tuple[int, int]: ...
    @property
    def sha_crypt_rounds(self) -> tuple[int, int]: ...
    @property
    def sha_crypt_password_len(self) -> int: ...
    @property
    def bcrypt_truncate(self) -> bool: ...
    @property
    def allow_md5_crypt(self) -> bool: ...
    @property
    def allow_plaintext(self) -> bool: ...
    def with_legacy(
        self,
        *,
        bcrypt_truncate: bool | None = None,
        allow_md5_crypt: bool | None = None,
        allow_plaintext: bool | None = None,
    ) -> HashBounds: ...
    def check(self, params: Argon2Params) -> None: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]  # equality without hashing

@final
class PasswordPolicy:
    """Rules for new passwords (NIST SP 800-63B defaults)."""

    def __new__(
        cls,
        min_len: int = ...,
        max_len_bytes: int = ...,
        *,
        required_classes: int | None = ...,
        reject_common: bool = ...,
    ) -> PasswordPolicy:
        """Defaults: the core's ``PasswordPolicy::DEFAULT``: at least 8 characters, at most
        1024 bytes, no composition rule, common passwords refused."""
    @property
    def min_len(self) -> int: ...
    @property
    def max_len_bytes(self) -> int: ...
    @property
    def required_classes(self) -> int | None: ...
    @property
    def reject_common(self) -> bool: ...
    def check(self, password: str) -> None: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def hash_password(
    password: _Secret,
    params: Argon2Params | None = None,
    pepper: _Secret | None = None,
) -> str:
    """An Argon2 PHC string with a fresh salt from the OS CSPRNG (GIL released)."""

def verify_password(
    password: _Secret,
    hash: str,
    bounds: HashBounds | None = None,
    pepper: _Secret | None = None,
) -> bool:
    """``True``/``False`` for an Argon2 PHC, bcrypt or legacy (passlib/Django) string; raises
    for an unusable hash (GIL released)."""

def needs_rehash(
    hash: str, params: Argon2Params | None = None, bounds: HashBounds | None = None
) -> bool: ...
def identify_hash(hash: str, bounds: HashBounds | None = None) -> str:
    """passlib's name of the scheme ``verify_password`` would use (prefix only)."""

def hash_schemes() -> list[tuple[str, bool, bool]]:
    """``(name, insecure, verifiable)`` of every scheme ``identify_hash`` can return."""

def check_pepper(pepper: bytes) -> None:
    """``InvalidParamsError`` for a pepper the core refuses (an empty one)."""

def check_password(password: str, policy: PasswordPolicy | None = None) -> None: ...
def set_argon2_concurrency(limit: int) -> int:
    """Sets how many Argon2 computations may run at once (default: the CPU count); returns the
    previous limit."""

def argon2_concurrency(reset_peak: bool = False) -> tuple[int, int, int]:
    """``(limit, running, peak)`` of the process-wide Argon2 concurrency limit."""

# --- authorization --------------------------------------------------------------------------

@final
class RoleHierarchy:
    """``(senior, junior)`` edges: holding ``senior`` grants ``junior``, transitively."""

    def __new__(cls, edges: Sequence[tuple[str, str]]) -> RoleHierarchy: ...
    @property
    def edges(self) -> list[tuple[str, str]]: ...
    def implies(self, held: str, required: str) -> bool: ...

_Hierarchy: TypeAlias = RoleHierarchy | Sequence[tuple[str, str]] | None

def has_role(held: _Names, required: _Names, hierarchy: _Hierarchy = None) -> bool: ...
def require_role(held: _Names, required: _Names, hierarchy: _Hierarchy = None) -> None: ...
def has_scopes(granted: str, required: _Names) -> bool: ...
def require_scopes(granted: str, required: _Names) -> None: ...
def parse_scopes(granted: str) -> list[str]: ...
def roles_of(value: object, claim: str = "roles") -> list[str]:
    """The roles of a ``roles`` claim value by the core's rule (``None`` is none)."""

def scopes_of(value: object, claim: str = "scope") -> list[str]:
    """The scopes of a ``scope`` claim value by the core's rules (``None`` is none)."""

# --- rate limiting --------------------------------------------------------------------------

@final
class Quota:
    """``burst`` requests at once, then one every ``period_ms`` milliseconds (GCRA)."""

    def __new__(cls, burst: int, period_ms: int) -> Quota: ...
    @staticmethod
    def per_second(n: int) -> Quota: ...
    @staticmethod
    def per_minute(n: int) -> Quota: ...
    @staticmethod
    def per_hour(n: int) -> Quota: ...
    def with_burst(self, burst: int) -> Quota: ...
    @property
    def burst(self) -> int: ...
    @property
    def period_ms(self) -> int: ...
    def check(self, tat: int | None, now_ms: int) -> tuple[bool, int, int, int]:
        """``(allowed, new_tat, retry_after_ms, remaining)`` for a key whose stored TAT is
        ``tat`` (``None``: no entry)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]  # equality without hashing

# --- sessions -------------------------------------------------------------------------------

@final
class SessionPolicy:
    """Token lifetimes, leeway and refresh grace window (seconds): ``0 < access_ttl <=
    refresh_ttl``, ``leeway < access_ttl``, ``grace <= MAX_REFRESH_GRACE`` and ``< access_ttl``."""

    def __new__(
        cls, access_ttl: int = ..., refresh_ttl: int = ..., leeway: int = ..., grace: int = 0
    ) -> SessionPolicy:
        """Defaults: ``DEFAULT_ACCESS_TTL``, ``DEFAULT_REFRESH_TTL``, ``DEFAULT_LEEWAY``, no
        grace window."""
    @property
    def access_ttl(self) -> int: ...
    @property
    def refresh_ttl(self) -> int: ...
    @property
    def leeway(self) -> int: ...
    @property
    def grace(self) -> int: ...
    def grace_until(self, now: int) -> int | None: ...
    def access_exp(self, now: int) -> int: ...
    def refresh_exp(self, now: int) -> int: ...
    def record_until(self, exp: int) -> int: ...
    def family_until(self, now: int) -> int: ...
    def key_retired_until(self, retired_at: int) -> int:
        """``retired_at + refresh_ttl + leeway``: until when a signing key retired then keeps
        verifying and stays published (``InvalidParamsError`` on overflow)."""
    def check_key_retired(self, retired_at: int, now: int) -> int:
        """``key_retired_until(retired_at)`` for a key configured at ``now``;
        ``InvalidParamsError`` if ``retired_at`` is later than ``now + leeway``."""
    def key_still_trusted(self, retired_at: int, now: int) -> bool:
        """``now < key_retired_until(retired_at)``; ``False`` for a refused retirement time."""
    def on_refresh(
        self, family_revoked: bool, jti_used: bool, exp: int, now: int, in_grace: bool = False
    ) -> tuple[Literal["ok", "repeat", "reused", "revoked"], int]:
        """The rotation decision: ``("ok", used_until)``, ``("repeat", 0)`` (spent within the
        grace window), ``("reused", revoke_until)`` or ``("revoked", 0)``."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]  # equality without hashing

@final
class AccessClaims:
    """A verified (or just issued) access token."""

    def __new__(
        cls,
        sub: str,
        jti: str,
        iat: int,
        exp: int,
        roles: Sequence[str] = ...,
        scopes: Sequence[str] = ...,
        fam: str | None = None,
        raw: dict[str, Any] | None = None,
    ) -> AccessClaims: ...
    @property
    def sub(self) -> str: ...
    @property
    def jti(self) -> str: ...
    @property
    def fam(self) -> str | None: ...
    @property
    def iat(self) -> int: ...
    @property
    def exp(self) -> int: ...
    @property
    def roles(self) -> tuple[str, ...]: ...
    @property
    def scopes(self) -> tuple[str, ...]: ...
    def has_scopes(self, required: str | Sequence[str]) -> bool:
        """``has_scopes(" ".join(self.scopes), required)`` (``InvalidParamsError`` for a
        malformed requirement)."""
    @property
    def raw(self) -> dict[str, Any]:
        """Every claim, custom ones included (a new dict on each access)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]  # equality without hashing

@final
class RefreshClaims:
    """A verified (or just issued) refresh token: no roles; its scopes are the session's grant."""

    def __new__(
        cls,
        sub: str,
        jti: str,
        fam: str,
        exp: int,
        iat: int | None = None,
        scopes: Sequence[str] = ...,
    ) -> RefreshClaims: ...
    @property
    def sub(self) -> str: ...
    @property
    def jti(self) -> str: ...
    @property
    def fam(self) -> str: ...
    @property
    def iat(self) -> int | None: ...
    @property
    def exp(self) -> int: ...
    @property
    def scopes(self) -> tuple[str, ...]:
        """The session's grant: the most a refreshed pair may carry."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]  # equality without hashing

def check_id(id: str) -> str:
    """``id`` if it is a token or family id the core accepts, else ``InvalidParamsError``."""

def issue_pair(
    keys: _Keys,
    policy: SessionPolicy,
    sub: str,
    roles: _Names,
    scopes: _Names,
    fam: str | None = None,
    *,
    now: int,
    issuer: str | None = None,
    audience: str | None = None,
    grant: _Names | None = None,
) -> tuple[str, str, AccessClaims, RefreshClaims]:
    """``(access_token, refresh_token, access, refresh)`` signed with the default key; fresh
    ids (and family unless ``fam``) from the OS random source."""

def verify_access(
    token: str | bytes,
    keys: _Keys,
    policy: SessionPolicy,
    now: int,
    issuer: str | None = None,
    audience: str | None = None,
) -> AccessClaims:
    """Verifies an access token (payload ``typ == "access"``; ``exp iat sub jti typ``)."""

def verify_bearer(
    headers: Iterable[tuple[bytes, bytes] | list[bytes]],
    keys: _Keys,
    policy: SessionPolicy,
    now: int,
    issuer: str | None = None,
    audience: str | None = None,
) -> AccessClaims | None:
    """The access token of a request's ASGI ``headers`` (the first ``authorization`` header,
    scheme ``Bearer`` in any case), verified as by :func:`verify_access`; ``None`` when the
    request carries no bearer token."""

@final
class AccessVerifier:
    """``verify_access`` / ``verify_bearer`` for one key set, policy, issuer and audience,
    remembering up to ``capacity`` accepted tokens (0: none) while their verdict stands
    (until ``exp + leeway``): a token seen again is looked up, not verified again, and the
    same claims object is returned. Same verdicts and errors as the functions."""

    def __new__(
        cls,
        keys: _Keys,
        policy: SessionPolicy,
        issuer: str | None = None,
        audience: str | None = None,
        capacity: int = ...,
    ) -> AccessVerifier:
        """``capacity`` defaults to ``DEFAULT_TOKEN_CACHE_SIZE``."""
    def verify(self, token: str | bytes, now: int) -> AccessClaims: ...
    def verify_bearer(
        self, headers: Iterable[tuple[bytes, bytes] | list[bytes]], now: int
    ) -> AccessClaims | None: ...
    @property
    def keys(self) -> _Keys: ...
    @property
    def capacity(self) -> int: ...
    def __len__(self) -> int: ...

def verify_refresh(
    token: str | bytes,
    keys: _Keys,
    policy: SessionPolicy,
    now: int,
    issuer: str | None = None,
    audience: str | None = None,
) -> RefreshClaims:
    """Verifies a refresh token (payload ``typ == "refresh"``; ``exp sub jti fam typ``)."""

def key_hash(secret: bytes, data: bytes) -> int:
    """SipHash-2-4 of ``data`` under a 16-byte secret (rate-limit keys)."""

def check_secret_strength(
    secret: str | bytes | bytearray,
) -> Literal["too_short", "repetitive", "placeholder", "sequence"] | None:
    """``None`` when ``secret`` looks random enough to sign with, else why not."""
