#!/usr/bin/env python3
"""Seeds DIR/<target>/ from the shared test data (tests/vectors, tests/attacks).

DIR is the first argument (default target/fuzz-corpus, the scratch corpus of `make fuzz`); the
committed, minimised corpora in fuzz/corpus/ are never written by this script.

Input framing (see fuzz/src/lib.rs): first byte = flags; flag 0x01 means "header JSON, 0xFF,
payload JSON, sign it", otherwise the rest is a token taken verbatim. Files are named by the
SHA-1 of their content, so re-running is idempotent. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import re
import sys
from collections.abc import Iterator

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "target" / "fuzz-corpus"
FUTURE = 4102444800  # 2100-01-01, so re-signed seeds are not simply expired


def b64d(seg: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))
    except ValueError:
        return None


def put(target: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def tokens() -> Iterator[str]:
    for path in sorted((ROOT / "tests" / "vectors").glob("*.json")):
        doc = json.loads(path.read_text())
        for case in doc.get("cases", []) if isinstance(doc, dict) else []:
            for field in ("token", "expect_token"):
                if isinstance(case.get(field), str):
                    yield case[field]
    for path in sorted((ROOT / "tests" / "attacks").glob("*.json")):
        for case in json.loads(path.read_text()).get("cases", []):
            if isinstance(case.get("token"), str):
                yield case["token"]


def password_inputs() -> Iterator[tuple[bytes, bytes]]:
    for path in [ROOT / "tests" / "vectors" / "password.json"] + sorted(
        (ROOT / "tests" / "attacks").glob("*.json")
    ):
        if not path.exists():
            continue
        for case in json.loads(path.read_text()).get("cases", []):
            h = case.get("hash")
            if isinstance(h, str):
                if isinstance(case.get("password_hex"), str):
                    pw = bytes.fromhex(case["password_hex"])
                elif isinstance(case.get("password"), str):
                    pw = case["password"].encode()
                else:
                    pw = b""
                yield h.encode(), pw


def key_documents() -> Iterator[bytes]:
    """JWKs, JWK sets, PEM and DER keys of the EdDSA vectors and attacks (the `jwk` target)."""
    for path in [
        ROOT / "tests" / "vectors" / "eddsa.json",
        ROOT / "tests" / "vectors" / "eddsa_jose.json",
        ROOT / "tests" / "attacks" / "eddsa.json",
    ]:
        if not path.exists():
            continue
        doc = json.loads(path.read_text())
        entries = list(doc.get("keys", {}).values()) + list(doc.get("signers", {}).values())
        if "rfc8037" in doc:
            entries.append({"jwk": doc["rfc8037"]["private_jwk"]})
        for e in entries:
            for field in ("jwk", "jwks", "public_jwk", "private_jwk"):
                if isinstance(e.get(field), dict):
                    yield json.dumps(e[field], separators=(",", ":")).encode()
            for field in ("pem", "public_pem", "private_pem"):
                if isinstance(e.get(field), str):
                    yield e[field].encode()
            for field in ("public_der_hex", "private_der_hex", "public_hex"):
                if isinstance(e.get(field), str):
                    yield bytes.fromhex(e[field])


def main() -> None:
    global CORPUS
    if len(sys.argv) > 1:
        CORPUS = (pathlib.Path.cwd() / sys.argv[1]).resolve()
    n = 0
    for doc in key_documents():
        put("jwk", doc)
    # Authorization header values (the verify target reads its input as one, too)
    for value in (b"Bearer abc.def.ghi", b"bEARER \t x \xa0", b"Bearer ", b"Basic dTpw"):
        put("verify", value)
    for tok in tokens():
        raw = tok.encode("utf-8", "surrogatepass")
        for flags in (0x00, 0x02, 0x04, 0x06, 0x08):
            put("verify", bytes([flags]) + raw)
        put("differential", b"\x00" + raw)
        put("differential", b"\x02" + raw)
        if '"alg":"EdDSA"' in (b64d(tok.split(".")[0]) or b"").decode("utf-8", "replace"):
            for flags in (0x00, 0x02, 0x04):
                put("eddsa", bytes([flags]) + raw)
            put("differential_eddsa", b"\x00" + raw)
        parts = tok.split(".")
        if len(parts) == 3:
            h, p = b64d(parts[0]), b64d(parts[1])
            if h is not None and p is not None:
                put("json", h)
                put("json", p)
                put("verify", b"\x01" + h + b"\xff" + p)
                put("verify", b"\x03" + h + b"\xff" + p)
                fresh = re.sub(rb'("exp"\s*:\s*)\d+', rb"\g<1>%d" % FUTURE, p)
                put("differential", b"\x01" + h + b"\xff" + fresh)
                put("differential", b"\x03" + h + b"\xff" + fresh)
                if b"EdDSA" in h or b"Ed25519" in h:
                    put("eddsa", b"\x01" + h + b"\xff" + p)
                    put("eddsa", b"\x03" + h + b"\xff" + p)
                    put("differential_eddsa", b"\x01" + h + b"\xff" + fresh)
                    put("differential_eddsa", b"\x03" + h + b"\xff" + fresh)
        n += 1
    m = 0
    for h, pw in password_inputs():
        # password target: hash string, 0xFF, password
        put("password", h + b"\xff" + pw)
        m += 1
    put("password", b"\xffhunter2")  # empty hash: the hash -> verify round trip
    print(f"seeded {n} tokens and {m} password hashes into {CORPUS}/")


if __name__ == "__main__":
    main()
