"""Background jobs of the screening app: thin, idempotent wrappers of its services."""

from celery import shared_task

from . import posts


@shared_task(name="screening.screen_posts")
def screen_posts(post_ids: list[int]) -> dict:
    """Screen published posts and record their hits as findings; running it again adds nothing."""
    return posts.posts_screen(post_ids).as_dict()


@shared_task(name="screening.rescreen_posts")
def rescreen_posts(institution_id: int, days: int) -> dict:
    """Screen an institution's posts of the last `days` days again after a lexicon changed; idempotent."""
    from mediagov.org.models import Institution

    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is None:
        return {"posts": 0, "hits": 0, "opened": 0}
    return posts.posts_rescreen(institution, days=days).as_dict()
