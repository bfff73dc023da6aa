"""A YUFE account that reports monthly (YUFE 第十五条), with its management team and a few posts."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from mediagov.activity.models import Post, post_fingerprint
from mediagov.registry.models import AccountStatus
from mediagov.registry.platforms import Platform

from ..registry.factories import register

TZ = ZoneInfo("Asia/Shanghai")


def reporting_account(w, name="会计学院官微", *, unit=None, created_on=date(2026, 1, 5), **extra):
    """运营中 YUFE account of 会计学院 (or `unit`): leader 周六 (副院长), admins 小王 and 小李."""
    w.p_acc.title = "副院长"
    w.p_acc.save()
    account = register(
        w,
        inst=w.yufe,
        unit=unit or w.acc,
        user=w.acc_op,
        name=name,
        platform=extra.pop("platform", Platform.WECHAT),
        platform_id=extra.pop("platform_id", f"gh_acc{abs(hash(name)) % 10**8:08d}"),
        created_on=created_on,
        managers=[
            {"role": "leader", "name": "周六", "person": w.p_acc.pk, "title": "副院长", "phone": "0871-1"},
            {"role": "admin", "name": "小王", "title": "辅导员", "phone": "0871-2"},
            {"role": "admin", "name": "小李", "phone": "0871-3"},
        ],
        **extra,
    )
    account.status = AccountStatus.ACTIVE
    account.save()
    return account


def post_on(account, day: date, title: str, hour: int = 9) -> Post:
    published = datetime.combine(day, time(hour), tzinfo=TZ)
    return Post.objects.create(
        account=account,
        published_at=published,
        title=title,
        fingerprint=post_fingerprint(account.pk, published, title, ""),
    )
