"""The one way a secret handed to a person (a link's, a session's, an API token) is kept: only
its SHA-256, so a copy of the database opens nothing. The secrets are random and long, so a
plain hash is enough (no salt, no slow hash: those are for passwords people choose)."""
from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    """A fresh secret for a link or a session: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """What is stored of SECRET: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()
