"""``python -m bench.twin_app`` (from the repository root): the PyJWT + pwdlib twin.

Environment: ``TWIN_SECRET`` (HS256 secret), ``DEMO_PASSWORD``, ``TWIN_DB`` (SQLite file),
``TWIN_LOGIN`` (``inline`` or ``thread``), ``PORT`` (0 = a free port), ``LOG_LEVEL``.
"""

from .app import main

main()
