"""Secrets at rest: a model field that stores text encrypted with Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from `MEDIAGOV_FIELD_KEY` (a Fernet key, `mediagov` prints one with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`), or, when it is
not set, is derived from `SECRET_KEY` with HKDF, so a development install works without configuration.
Several keys may be given, comma separated: the first encrypts, all decrypt (key rotation).
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(field_key: str, secret_key: str) -> MultiFernet:
    keys = [k.strip() for k in field_key.split(",") if k.strip()]
    if not keys:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"mediagov-field-key", info=b"v1").derive(
            secret_key.encode()
        )
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(getattr(settings, "MEDIAGOV_FIELD_KEY", ""), settings.SECRET_KEY)


def secret_encrypt(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + fernet().encrypt(plain.encode()).decode()


def secret_decrypt(stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong MEDIAGOV_FIELD_KEY") from exc


class EncryptedTextField(models.TextField):
    """Text encrypted in the database; Python code sees plain text. Never shown back in forms (see views)."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return secret_decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return secret_encrypt(value)


def secret_mask(value: str) -> str:
    """How a saved secret is shown: that it is set, never what it is."""
    return "已设置（不显示）" if value else "未设置"
