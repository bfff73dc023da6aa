"""`posts_add`: the one writer of machine-sourced posts; idempotent by fingerprint, audited once per batch."""

from datetime import UTC, datetime

import pytest

from mediagov.activity.models import Post, PostSource, post_fingerprint
from mediagov.activity.services import posts_add
from mediagov.connectors.base import PostItem
from mediagov.core.models import ActionLog

from ..registry.factories import register

pytestmark = pytest.mark.django_db

T1 = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
T2 = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


def test_adds_new_posts_and_skips_repeats(world):
    account = register(world, name="化工学院官微")
    items = [
        PostItem(T1, "会议", "https://chem.example.edu.cn/1", "正文"),
        PostItem(T1, "会议（重复）", "https://chem.example.edu.cn/1", ""),  # same link: same post
        PostItem(T2, "  无链接   的标题 ", "", "摘要"),
    ]
    assert posts_add(account, items, source=PostSource.FEED) == 2
    assert posts_add(account, items, source=PostSource.FEED) == 0
    titles = sorted(Post.objects.filter(account=account).values_list("title", flat=True))
    assert titles == ["会议", "无链接 的标题"]
    post = Post.objects.get(url="")
    assert post.fingerprint == post_fingerprint(account.pk, T2, "无链接 的标题", "")
    logs = ActionLog.objects.for_object(account).filter(action="post.added")
    assert [(e.data["created"], e.data["received"], e.data["source"]) for e in logs] == [(2, 3, "feed")]


def test_a_post_imported_from_a_file_is_not_added_again(world):
    account = register(world, name="化工学院官微")
    Post.objects.create(
        account=account,
        published_at=T1,
        title="会议",
        url="https://chem.example.edu.cn/1",
        fingerprint=post_fingerprint(account.pk, T1, "会议", "https://chem.example.edu.cn/1"),
    )
    assert (
        posts_add(account, [PostItem(T1, "会议", "https://chem.example.edu.cn/1")], source="connector") == 0
    )


def test_bad_links_are_dropped_and_long_titles_cut(world):
    account = register(world, name="化工学院官微")
    posts_add(account, [PostItem(T1, "标" * 600, "javascript:alert(1)")], source=PostSource.CONNECTOR)
    post = Post.objects.get()
    assert post.url == "" and len(post.title) == 500 and post.source == "connector"


def test_unknown_source_is_a_programming_error(world):
    account = register(world, name="化工学院官微")
    with pytest.raises(ValueError):
        posts_add(account, [], source="rumour")
