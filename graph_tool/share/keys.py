"""Keys for sharing: the team secret, per-recipient pseudonym keys, keyed hashes.

The team holds one secret, ``$GRAPH_TOOL_SHARE_KEY`` (never in code or in a file the tool
writes). Each recipient gets its own pseudonym key derived from it with HKDF-SHA256 and the
recipient's name, so that one partner sees the same pseudonym for a person in every export
while two partners cannot join their exports on pseudonyms.

>>> k1 = recipient_key(b"a team secret of 32 characters!", "JIT Lotus")
>>> k1 == recipient_key(b"a team secret of 32 characters!", " jit lotus ")
True
>>> k1 == recipient_key(b"a team secret of 32 characters!", "NGO Shelter")
False
>>> token(k1, "name", "mai thi tran") == token(k1, "name", "mai thi tran")
True
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from graph_tool.share.errors import ShareKeyError

SHARE_KEY_ENV = "GRAPH_TOOL_SHARE_KEY"
_PSEUDONYM_INFO = b"graph-tool/share/pseudonym/v1\x1f"
MIN_SECRET_BYTES = 16


def secret_bytes(value: str | bytes, what: str = SHARE_KEY_ENV) -> bytes:
    """A secret given as text (hex, or any passphrase) or bytes, checked for length."""
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if len(data) < MIN_SECRET_BYTES:
        raise ShareKeyError(f"{what} is too short: use at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)")
    return data


def team_key(env_var: str = SHARE_KEY_ENV) -> bytes:
    """The team secret from the environment variable ``env_var``."""
    value = os.environ.get(env_var)
    if not value:
        raise ShareKeyError(f"set {env_var} to the team's sharing secret (e.g. from `openssl rand -hex 32`)")
    return secret_bytes(value, env_var)


def normalise_recipient(recipient: str) -> str:
    """A recipient name as used in key derivation: trimmed, single-spaced, case-folded."""
    name = " ".join(recipient.split()).casefold()
    if not name:
        raise ValueError("the recipient name is empty")
    return name


def recipient_key(team_secret: bytes, recipient: str) -> bytes:
    """The pseudonym key for one recipient: HKDF-SHA256(team secret, info = recipient)."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=_PSEUDONYM_INFO + normalise_recipient(recipient).encode("utf-8"),
    )
    return hkdf.derive(secret_bytes(team_secret))


def token(key: bytes, kind: str, value: str, length: int = 20) -> str:
    """HMAC-SHA256 of ``kind`` and ``value`` under ``key``, as ``length`` hex characters."""
    mac = hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()
    return mac[:length]
