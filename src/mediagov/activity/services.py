"""Writing posts (发布记录) that arrive from feeds, platform connectors and platform exports.

`posts_add` is the one way machine sources add posts: it inserts the ones not seen before (by
`post_fingerprint`), returns how many were new, and records the batch once in the audit trail. The new
posts are screened in the background after the commit (`screening.posts.posts_screen_later`), so every
source is screened the same way.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from mediagov.core.audit import log_action
from mediagov.registry.models import MediaAccount

from .models import Post, PostSource, post_fingerprint

WRITE_BATCH = 2000  # posts per INSERT
LOOKUP_CHUNK = 900  # fingerprints per "seen before?" query (under SQLite's old 999-parameter limit)
TEXT_MAX = 20_000  # characters of body text kept per post

_TITLE_MAX = Post._meta.get_field("title").max_length
_URL_MAX = Post._meta.get_field("url").max_length


class PostLike(Protocol):
    """What `posts_add` reads from an item (e.g. `connectors.base.PostItem`)."""

    published_at: datetime
    title: str
    url: str
    text: str


@dataclass(slots=True)
class _Row:
    published_at: datetime
    title: str
    url: str
    text: str
    fingerprint: str


def _clean(account_id: int, item: PostLike) -> _Row:
    published_at = item.published_at
    if timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at, timezone.get_default_timezone())
    title = " ".join((item.title or "").split())[:_TITLE_MAX] or "（无标题）"
    url = (item.url or "").strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > _URL_MAX:
        url = ""
    text = (item.text or "").strip()[:TEXT_MAX]
    return _Row(published_at, title, url, text, post_fingerprint(account_id, published_at, title, url))


def posts_add(account: MediaAccount, items: Iterable[PostLike], *, source: str, user=None) -> int:
    """Add `items` as posts of `account`, skipping those it already has; return how many were new.

    `source` is a `PostSource` value (feed, connector, export …). Items repeating each other or an earlier
    post (same fingerprint: the link, else the time and title) are skipped, so running a source twice adds
    nothing. Calls for the same account are serialised (a row lock on PostgreSQL), so the count is exact. A
    batch that adds posts is recorded once ("post.added"); one that adds nothing is not recorded.
    """
    if source not in PostSource.values:
        raise ValueError(f"unknown post source {source!r}")
    rows: dict[str, _Row] = {}
    received = 0
    for item in items:
        received += 1
        row = _clean(account.pk, item)
        rows.setdefault(row.fingerprint, row)
    if not rows:
        return 0
    with transaction.atomic():
        list(MediaAccount.objects.select_for_update().filter(pk=account.pk).values_list("pk"))
        fingerprints = list(rows)
        existing: set[str] = set()
        for start in range(0, len(fingerprints), LOOKUP_CHUNK):
            chunk = fingerprints[start : start + LOOKUP_CHUNK]
            found = Post.objects.filter(account_id=account.pk, fingerprint__in=chunk).order_by("fingerprint")
            existing.update(found.values_list("fingerprint", flat=True))
        new = [r for fp, r in rows.items() if fp not in existing]
        if not new:
            return 0
        Post.objects.bulk_create(
            [
                Post(
                    account_id=account.pk,
                    published_at=r.published_at,
                    title=r.title,
                    url=r.url,
                    text=r.text,
                    source=source,
                    fingerprint=r.fingerprint,
                )
                for r in new
            ],
            batch_size=WRITE_BATCH,
            ignore_conflicts=True,  # an import of the same post got there first: still one post
        )
        log_action(
            account,
            "post.added",
            user=user,
            data={
                "source": source,
                "received": received,
                "created": len(new),
                "skipped_existing": len(rows) - len(new),
                "latest": max(r.published_at for r in new),
            },
        )
        _screen_later(account.pk, [r.fingerprint for r in new])
    return len(new)


def _screen_later(account_id: int, fingerprints: list[str]) -> None:
    from mediagov.screening.posts import posts_screen_later

    ids: list[int] = []
    for start in range(0, len(fingerprints), LOOKUP_CHUNK):
        chunk = fingerprints[start : start + LOOKUP_CHUNK]
        found = Post.objects.filter(account_id=account_id, fingerprint__in=chunk).order_by()
        ids.extend(found.values_list("pk", flat=True))
    posts_screen_later(ids)
