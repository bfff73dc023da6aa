"""Public directory tests: a small published ledger for both institutions.

`published` builds, in DUT: 化工学院官微 (WeChat, 运营中, verified, posted on 2026-03-01), 化工学院微博
(weibo, 整改中), 机械学院抖音 (douyin, 运营中), 化工学院旧号 (WeChat, 已注销) and 机械学院新号 (申请中);
in YUFE: 会计学院官微 (WeChat, 运营中). Each has managers and responsible people whose names, phones and
e-mails must never reach a public page.
"""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from mediagov.activity.models import Post
from mediagov.registry.models import AccountStatus, MediaAccount
from mediagov.registry.platforms import Platform
from tests.registry.factories import register

PERSONAL = ["张三", "李四", "周六", "管理员甲", "13800000001", "admin-a@example.edu.cn", "10001", "Y0001"]


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    """The rate counters live in the default cache: every test starts and ends with none."""
    cache.clear()
    yield
    cache.clear()


def _set(account, status):
    MediaAccount.objects.filter(pk=account.pk).update(status=status)
    account.refresh_from_db()
    return account


@pytest.fixture
def published(world):
    w = world
    managers = [{"role": "leader", "name": "管理员甲", "title": "副书记", "phone": "13800000001",
                 "email": "admin-a@example.edu.cn"}]  # fmt: skip
    chem_wx = register(
        w,
        name="化工学院官微",
        platform_id="gh_chem000001",
        url="https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA4MjEwMDAwMQ==",
        verified=True,
        managers=managers,
    )
    chem_wb = register(
        w, name="化工学院微博", platform=Platform.WEIBO, platform_id="1234567890",
        url="https://weibo.com/u/1234567890",
    )  # fmt: skip
    mech_dy = register(
        w, unit=w.mech, name="机械学院抖音", platform=Platform.DOUYIN, platform_id="dut_mech",
        user=w.mech_op, direct_responsible=w.p_mech,
    )  # fmt: skip
    chem_old = register(w, name="化工学院旧号", platform_id="gh_chem000009")
    mech_new = register(
        w, unit=w.mech, name="机械学院新号", platform_id="gh_mech000002", user=w.mech_op,
        direct_responsible=w.p_mech,
    )  # fmt: skip
    yufe_wx = register(
        w, inst=w.yufe, unit=w.acc, name="会计学院官微", platform_id="gh_acc0000001", user=w.acc_op,
    )  # fmt: skip
    _set(chem_wx, AccountStatus.ACTIVE)
    _set(chem_wb, AccountStatus.RECTIFYING)
    _set(mech_dy, AccountStatus.ACTIVE)
    _set(chem_old, AccountStatus.CANCELLED)
    _set(yufe_wx, AccountStatus.ACTIVE)
    tz = ZoneInfo("Asia/Shanghai")
    for day, title in ((1, "三月推送"), (2, "更早推送")):
        Post.objects.create(
            account=chem_wx,
            published_at=datetime(2026, 3 if day == 1 else 2, 1, 23, 30, tzinfo=tz),
            title=title,
            fingerprint=f"fp-{day}",
        )
    return SimpleNamespace(
        chem_wx=chem_wx,
        chem_wb=chem_wb,
        mech_dy=mech_dy,
        chem_old=chem_old,
        mech_new=mech_new,
        yufe_wx=yufe_wx,
    )
