"""Background jobs of the screening app: thin, idempotent wrappers of its services."""

from celery import shared_task

from . import posts


@shared_task(name="screening.screen_posts")
def screen_posts(post_ids: list[int]) -> dict:
    """Screen published posts and record their hits as findings; running it again adds nothing."""
    return posts.posts_screen(post_ids).as_dict()
