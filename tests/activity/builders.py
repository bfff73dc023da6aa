"""Accounts and files for the posts import tests."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from mediagov.activity.models import Post, post_fingerprint
from mediagov.registry.platforms import Platform

from ..registry.factories import register

TZ = ZoneInfo("Asia/Shanghai")
HEADERS = ["平台", "帐号ID", "发布时间", "标题", "链接", "正文"]
FORMULA = "=cmd|' /C calc'!A0"


def accounts(w):
    """DUT: 化工学院 on WeChat (chem), 化工实验室 on B站 (chem_lab, under chem), 机械工程学院 on weibo (mech).
    YUFE: 会计学院 on WeChat, with the same 原始ID as DUT's 化工学院."""
    w.wx = register(w, name="化工学院", platform=Platform.WECHAT, platform_id="gh_0123456789AB")
    w.bili = register(w, name="化工实验室", unit=w.chem_lab, platform=Platform.BILIBILI, platform_id="12345")
    w.weibo = register(
        w,
        name="机械工程学院",
        unit=w.mech,
        platform=Platform.WEIBO,
        platform_id="1234567890",
        user=w.mech_op,
        direct_responsible=w.p_mech,
    )
    w.acc_wx = register(
        w, inst=w.yufe, unit=w.acc, name="会计学院", platform=Platform.WECHAT, platform_id="gh_0123456789ab"
    )
    return w


def csv_bytes(rows, headers=HEADERS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def post(account, published_at: datetime, title: str, url: str = "") -> Post:
    return Post.objects.create(
        account=account,
        published_at=published_at,
        title=title,
        url=url,
        fingerprint=post_fingerprint(account.pk, published_at, title, url),
    )
