"""The cross-language vectors in tests/vectors/ (shared with the Rust and JS suites)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load_vectors(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def native_decode(case: dict[str, Any], keys: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """Runs a vector or attack case through the native ``decode_dict`` with the case's
    validation overlaid on the file's ``validation_defaults``."""
    from authcore import _authcore

    v = {**defaults, **case["validation"]}
    return _authcore.decode_dict(
        case["token"],
        keys,
        case["now"],
        v["leeway"],
        v["issuer"],
        v["audience"],
        v.get("verify_aud", True),
        v["subject"],
        v["token_type"],
        v["required"],
        v["verify_exp"],
        v["verify_nbf"],
        v["verify_iat"],
        v["max_token_len"],
    )
