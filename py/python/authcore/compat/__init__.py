"""Drop-in surfaces of other libraries, over the authcore core.

``authcore.compat.jose``: python-jose's ``jwt`` module for HS256 tokens
(``from authcore.compat.jose import jwt, JWTError``).
"""
