"""Signed links (a unit's assignment page, a liaison's roster check): one way to sign a payload and read it back."""

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, payload: dict) -> str:
    """The URL-safe token of `payload`, signed with the app's secret under `salt` (and timestamped)."""
    return _serializer(salt).dumps(payload)


def load(
    salt: str,
    token: str,
    *,
    max_age: timedelta,
    keys: tuple[str, ...],
    error: type[Exception],
    expired: str,
    invalid: str,
) -> tuple[dict, datetime]:
    """The payload of a token and when it was signed; `error(expired)` when too old, `error(invalid)` when tampered
    with or when a key in `keys` is missing or not an integer."""
    try:
        data, signed_at = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()), return_timestamp=True)
    except SignatureExpired as problem:
        raise error(expired) from problem
    except BadSignature as problem:
        raise error(invalid) from problem
    if not isinstance(data, dict) or not all(isinstance(data.get(key), int) for key in keys):
        raise error(invalid)
    return data, signed_at
