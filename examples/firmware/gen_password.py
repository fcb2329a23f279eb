#!/usr/bin/env python3
"""Write ``password.json``: the stored Argon2id PHC string the firmware verifies.

Made by argon2-cffi (the reference C implementation) with parameters a microcontroller can
afford: m=32 KiB, t=2, p=1, so the whole Argon2 working memory is 32 one-KiB blocks. The salt
is fixed so that the file is reproducible. Run from the repository root:

    .venv/bin/python examples/firmware/gen_password.py
"""

from __future__ import annotations

import json
import pathlib
from importlib import metadata

from argon2.low_level import Type, hash_secret, verify_secret

OUT = pathlib.Path(__file__).resolve().parent / "password.json"
PASSWORD = "device maintenance passphrase"
SALT = b"authcore-fw-salt"  # 16 bytes; a device would store a random one per hash
M_COST, T_COST, P_COST, HASH_LEN = 32, 2, 1, 32


def main() -> None:
    phc = hash_secret(
        PASSWORD.encode(),
        SALT,
        time_cost=T_COST,
        memory_cost=M_COST,
        parallelism=P_COST,
        hash_len=HASH_LEN,
        type=Type.ID,
    ).decode()
    assert verify_secret(phc.encode(), PASSWORD.encode(), Type.ID)
    doc = {
        "source": f"argon2-cffi {metadata.version('argon2-cffi')}",
        "password": PASSWORD,
        "wrong_password": PASSWORD + "!",
        "phc": phc,
        "m_cost": M_COST,
        "t_cost": T_COST,
        "p_cost": P_COST,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
