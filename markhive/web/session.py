"""The signed-in session and the CSRF token, both kept in signed cookies.

Sessions are stateless (any markhive process can read them): the cookie carries the user
id and a stamp of the password hash, signed with the secret key and dated. Changing the
password changes the stamp, which ends every other session of that user; deactivating the
user ends them all. The CSRF token is a random value in a cookie of its own, signed, and
every form and htmx request must repeat it (double submit); it is renewed at sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "markhive_session"
CSRF_COOKIE = "markhive_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAX_AGE = 14 * 24 * 3600


@dataclass(frozen=True)
class SessionData:
    user_id: int
    stamp: str


def password_stamp(password_hash: str) -> str:
    """A short digest of the password hash: a new password ends the old sessions."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class Cookies:
    """Reads and writes the two signed cookies."""

    def __init__(self, secret_key: str, trusted_proxy: bool = False) -> None:
        self._trusted_proxy = trusted_proxy
        self._session = URLSafeTimedSerializer(secret_key, salt="markhive.web.session")
        self._csrf = URLSafeTimedSerializer(secret_key, salt="markhive.web.csrf")

    def session(self, request: Request) -> SessionData | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self._session.loads(raw, max_age=MAX_AGE)
            return SessionData(user_id=int(data["u"]), stamp=str(data["s"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def start_session(self, response: Response, request: Request, user_id: int, stamp: str) -> str:
        """Sign the user in: a session cookie and a fresh CSRF token (returned)."""
        value = self._session.dumps({"u": user_id, "s": stamp})
        self._set(response, request, SESSION_COOKIE, value, MAX_AGE)
        return self.new_csrf(response, request)

    def end_session(self, response: Response, request: Request) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
        self.new_csrf(response, request)

    def csrf(self, request: Request) -> str | None:
        """The CSRF token of the request's cookie, when it is genuine."""
        raw = request.cookies.get(CSRF_COOKIE)
        if not raw:
            return None
        try:
            token = self._csrf.loads(raw)
        except BadSignature:
            return None
        return token if isinstance(token, str) else None

    def issue_csrf(self) -> tuple[str, str]:
        """A new token, and its signed cookie value."""
        token = secrets.token_urlsafe(32)
        return token, self._csrf.dumps(token)

    def set_csrf(self, response: Response, request: Request, signed: str) -> None:
        self._set(response, request, CSRF_COOKIE, signed, None)

    def new_csrf(self, response: Response, request: Request) -> str:
        token, signed = self.issue_csrf()
        self.set_csrf(response, request, signed)
        return token

    def _set(
        self, response: Response, request: Request, name: str, value: str, max_age: int | None
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=is_https(request, self._trusted_proxy),
        )


def is_https(request: Request, trusted_proxy: bool) -> bool:
    """Whether the browser reached us over HTTPS (as a trusted proxy says, behind one)."""
    scheme = request.url.scheme
    if trusted_proxy:
        scheme = request.headers.get("x-forwarded-proto", scheme).split(",")[0].strip()
    return scheme == "https"


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
