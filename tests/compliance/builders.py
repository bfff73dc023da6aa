"""Accounts, posts and reports for compliance tests, built through the same services and models users hit."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from mediagov.activity.models import Post, Report, post_fingerprint
from mediagov.registry.models import AccountStatus
from mediagov.registry.platforms import Platform

from ..registry.factories import register

TZ = ZoneInfo("Asia/Shanghai")


def live_account(w, name, *, created_on, unit=None, inst=None, platform=Platform.WECHAT, **extra):
    """A registered account that is 运营中 (saved, so its history records the status)."""
    account = register(w, name=name, unit=unit, inst=inst, platform=platform, created_on=created_on, **extra)
    account.status = AccountStatus.ACTIVE
    account.save()
    return account


def post(account, day: date, title: str = "", hour: int = 9):
    published = datetime.combine(day, time(hour), tzinfo=TZ)
    title = title or f"{account.name} {day.isoformat()} 动态"
    return Post.objects.create(
        account=account,
        published_at=published,
        title=title,
        fingerprint=post_fingerprint(account.pk, published, title, ""),
    )


def posts(account, days):
    return [post(account, d) for d in days]


def report(account, period: date, submitted: date, kind="monthly"):
    return Report.objects.create(
        account=account,
        kind=kind,
        period=period,
        submitted_at=datetime.combine(submitted, time(10), tzinfo=TZ),
    )
