"""Screening after publishing: every imported or fetched post is screened in the background.

`activity` calls `posts_screen_later(post_ids)` when it has written posts (`post_import`, `posts_add`); after
the commit this enqueues `screening.screen_posts` in chunks, which calls `posts_screen`. Each lexicon hit in a
post's title and text becomes a compliance finding (`compliance.services.finding_record_screening`), one per
(post, term), so screening a post again adds nothing. `posts_rescreen` screens the posts of the last days
again after a lexicon changed (`mediagov screen posts`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mediagov.activity.models import Post

from .matcher import Hit, content_hits
from .services import screen_text

CHUNK = 500  # posts per task and per query


@dataclass
class PostScreenResult:
    posts: int = 0
    hits: int = 0
    opened: int = 0

    def as_dict(self) -> dict:
        return {"posts": self.posts, "hits": self.hits, "opened": self.opened}


def post_text(post) -> str:
    """What is screened: the title, and the text on the next line."""
    return f"{post.title}\n{post.text}" if post.text else post.title


def finding_hits(hits: list[Hit]) -> list[Hit]:
    """The hits that raise a finding: lexicon terms about the content (`content_hits`). The ad signals (phone
    numbers, links) are for reviewing a draft, official posts give them too."""
    return [h for h in content_hits(hits) if h.rule == "lexicon"]


def posts_screen(post_ids) -> PostScreenResult:
    """Screen the posts `post_ids` against their institution's lexicons and record the hits as findings."""
    from mediagov.compliance.services import finding_record_screening

    result = PostScreenResult()
    ids = sorted(set(post_ids))
    for start in range(0, len(ids), CHUNK):
        posts = Post.objects.filter(pk__in=ids[start : start + CHUNK]).select_related("account__institution")
        for post in posts.order_by("pk"):
            result.posts += 1
            text = post_text(post)
            hits = finding_hits(screen_text(post.account.institution, text))
            if not hits:
                continue
            result.hits += len(hits)
            with transaction.atomic():
                result.opened += len(finding_record_screening(post, hits, text))
    return result


def posts_screen_later(post_ids) -> int:
    """Enqueue `screening.screen_posts` for `post_ids` once the current transaction commits; return the
    number of tasks. A broker that is down does not undo the posts (`robust`): re-screen with the CLI."""
    from .tasks import screen_posts

    ids = sorted(set(post_ids))
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        transaction.on_commit(lambda chunk=chunk: screen_posts.delay(chunk), robust=True)
    return len(chunks)


def posts_rescreen(institution, *, days: int, now=None) -> PostScreenResult:
    """Screen again the posts `institution`'s accounts published in the last `days` days (after a lexicon
    changed): new terms raise findings, terms already found add nothing."""
    since = (now or timezone.now()) - timedelta(days=days)
    ids = list(
        Post.objects.filter(account__institution=institution, published_at__gte=since)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return posts_screen(ids)
