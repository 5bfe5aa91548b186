"""The studio's locks: a random token per start, a cookie, CSRF tokens, read-only mode.

The studio binds to 127.0.0.1, but any local process (or a web page the user visits, via
the browser) could reach a local port: every request needs the token printed at start (or
the HttpOnly, SameSite=Strict cookie set from it), and every write a CSRF token derived
from it, so a page elsewhere can neither read nor write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

COOKIE = "puckdb_studio"


@dataclass(frozen=True)
class Secrets:
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def csrf(self) -> str:
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()

    def token_ok(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate, self.token)

    def csrf_ok(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate, self.csrf)
