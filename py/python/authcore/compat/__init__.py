"""Drop-in surfaces of other libraries, over the authcore core.

``authcore.compat.jose``: python-jose's ``jwt`` module for HS256 tokens
(``from authcore.compat.jose import jwt, JWTError``).

``authcore.compat.passlib``: passlib's ``CryptContext`` (``from authcore.compat.passlib import
CryptContext``): stored bcrypt, bcrypt_sha256, PBKDF2 (passlib, Django) and sha-crypt hashes
verify in the core and are replaced by Argon2id at the next login.
"""
