"""`mediagov connectors run|list`, end to end."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from mediagov.activity.models import Post

from ..registry.factories import register
from .conftest import feed_source, fresh

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("connectors", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_run_due_then_all_then_one_source(world, feeds, chem_account, mech_site):
    due = feed_source(chem_account, feeds.url("/rss.xml"))
    later = feed_source(mech_site, feeds.url("/atom.xml"), next_run_at=timezone.now() + timedelta(hours=1))
    out, _ = run("run")
    assert f"{due.pk} 化工学院官微 · RSS/Atom 订阅：读取3条，新增3条" in out
    assert "共获取1个数据来源：成功1个，出错0个，跳过0个，新增发布记录3条" in out
    assert fresh(later).last_run_at is None
    out, _ = run("run", "--all")
    assert "共获取2个数据来源：成功2个" in out and "新增发布记录2条" in out
    out, _ = run("run", "--source", str(due.pk))
    assert "读取3条，新增0条" in out
    assert Post.objects.count() == 5


def test_run_by_institution_and_errors_on_stderr(world, feeds, chem_account):
    broken = feed_source(chem_account, feeds.url("/error500"))
    yufe_account = register(world, inst=world.yufe, unit=world.acc, name="会计学院官微", user=world.acc_op)
    feed_source(yufe_account, feeds.url("/rss.xml"))
    out, err = run("run", "--institution", "dut")
    assert f"{broken.pk} 化工学院官微 · RSS/Atom 订阅" in err and "HTTP 500" in err
    assert "出错1个" in out and not Post.objects.exists()
    out, _ = run("list", "--institution", "dut")
    assert "化工学院官微" in out and "出错（退避重试中）" in out and "会计学院官微" not in out


def test_unknown_institution_or_source(world):
    with pytest.raises(CommandError, match="没有代码为“xx”的学校"):
        run("run", "--institution", "xx")
    with pytest.raises(CommandError, match="没有编号为 999 的数据来源"):
        run("run", "--source", "999")
