"""The connector interface: one small class per kind of source, in its own module under `kinds/`.

A connector reads what one account published from an outside system and returns it as `PostItem`s; the
service (`services.source_run`) writes them through `activity.services.posts_add`, records the run on the
source and schedules the next one. A connector knows nothing of scheduling, back-off or the database.

To add a platform (e.g. Weibo), add `kinds/weibo.py` with a `Connector` subclass decorated with
`@register`; every module in `kinds/` is imported at start-up. See docs/connectors.md.
"""

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mediagov.activity.models import PostSource


@dataclass(frozen=True)
class PostItem:
    """One published item, as a connector read it."""

    published_at: datetime  # aware
    title: str
    url: str = ""
    text: str = ""
    author: str = ""


class ConnectorError(Exception):
    """A run that failed; `message` is shown on the source and the account (Chinese, never a secret).

    The service backs off exponentially after an error; `retry_at` (when set) pushes the next run out to
    at least that moment instead (a quota that resets at midnight).
    """

    def __init__(self, message: str, *, retry_at: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at
        # Items read before the error (earlier pages): the service still adds them.
        self.partial: list[PostItem] = []


class ConfigError(ConnectorError):
    """The source is not set up well enough to run (no address, no AppSecret …)."""


class TransientError(ConnectorError):
    """Network trouble, a timeout, a server error: likely to pass by itself."""


class RemoteError(ConnectorError):
    """The remote system refused the request with an error code of its own."""

    def __init__(self, message: str, *, code: int | str | None = None, retry_at: datetime | None = None):
        super().__init__(message, retry_at=retry_at)
        self.code = code


class RateLimited(RemoteError):
    """The remote system's call quota is spent; the next run waits until `retry_at`."""


class Connector:
    """A kind of source. Subclasses set `kind` and `label` and implement `fetch` (and `validate`)."""

    kind: str = ""
    label: str = ""
    post_source: str = PostSource.CONNECTOR
    # Which of the source's settings this kind uses, for the form: "url", "app_id", "app_secret", "api_base".
    settings_used: tuple[str, ...] = ()

    def validate(self, source) -> list[tuple[str, str]]:
        """Problems with the source's settings as (field, Chinese message); empty when it may run."""
        return []

    def fetch(self, source, since: datetime | None, *, now: datetime) -> Iterable[PostItem]:
        """The items published since `since` (None: as far back as the source goes; more is fine, posts are
        de-duplicated). May update the source's run state in memory (etag, last_modified, access_token,
        token_expires_at); the service saves it, also when fetch raises."""
        raise NotImplementedError


REGISTRY: dict[str, Connector] = {}


def register(cls: type[Connector]) -> type[Connector]:
    if not cls.kind or cls.kind in REGISTRY:
        raise ValueError(f"connector kind {cls.kind!r} is empty or registered twice")
    REGISTRY[cls.kind] = cls()
    return cls


def load_connectors() -> dict[str, Connector]:
    """Import every module of `mediagov.connectors.kinds` (each registers its connector)."""
    from . import kinds

    for module in pkgutil.iter_modules(kinds.__path__):
        importlib.import_module(f"{kinds.__name__}.{module.name}")
    return REGISTRY


def connector_for(kind: str) -> Connector:
    load_connectors()
    try:
        return REGISTRY[kind]
    except KeyError:
        raise ConfigError(f"未知的数据来源类型“{kind}”") from None


def kind_choices() -> list[tuple[str, str]]:
    """The model field's choices (a callable, so adding a connector needs no migration)."""
    return [(c.kind, c.label) for c in load_connectors().values()]
