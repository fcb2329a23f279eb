"""FastAPI integration: login/refresh/logout routes and dependencies over the Rust core.

.. code-block:: python

    from fastapi import Depends, FastAPI, Security
    from authcore.fastapi import AuthCore, AuthSettings

    auth = AuthCore(AuthSettings.from_env(), load_user=..., load_credentials=...)
    app = FastAPI()
    auth.install(app)

    @app.get("/me")
    async def me(user=Depends(auth.current_user)): ...

See :class:`AuthCore` for the callbacks, :mod:`authcore.fastapi.config` for the environment
variables and :mod:`authcore.fastapi.errors` for the error body ``{"detail", "code"}``.
"""

from .auth import MAX_PASSWORD_BYTES, AuthCore
from .config import AuthSettings, ConfigError, parse_duration
from .errors import AuthHTTPException, ErrorBody, auth_error_handler, bearer_challenge
from .models import (
    AccessClaims,
    AuthEvent,
    Credentials,
    RefreshClaims,
    RefreshRequest,
    TokenResponse,
)
from .route import AuthRoute
from .routers import AUTH_ERROR_RESPONSES, PlainError, error_responses

__all__ = [
    "AUTH_ERROR_RESPONSES",
    "MAX_PASSWORD_BYTES",
    "AccessClaims",
    "AuthCore",
    "AuthEvent",
    "AuthHTTPException",
    "AuthRoute",
    "AuthSettings",
    "ConfigError",
    "Credentials",
    "ErrorBody",
    "PlainError",
    "RefreshClaims",
    "RefreshRequest",
    "TokenResponse",
    "auth_error_handler",
    "bearer_challenge",
    "error_responses",
    "parse_duration",
]
