"""The people and accounts of 先审后发 (content review) tests, on top of the shared `world`.

DUT 化工学院 (unit account, two levels): chem_op writes; chem_resp (直接责任人) 初审; chem_party 复审.
DUT 党委宣传部、新闻中心 (school-level account, 三审): xcb_op writes; xcb_resp 初审; jg_party (机关党委) 复审;
xuan (党委宣传部) 终审. YUFE 会计学院 (two levels): acc_op writes; acc_resp 初审; acc_head 复审.
"""

from types import SimpleNamespace

import pytest

from mediagov.org.models import Role, Unit
from mediagov.registry.models import AccountStatus, MediaAccount
from mediagov.registry.platforms import Platform
from mediagov.screening.services import lexicon_demo_load
from tests.conftest import make_user
from tests.registry.factories import register


@pytest.fixture
def rw(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world
    xcb = Unit.objects.get(institution=w.dut, code="xcb")
    yufe_xcb = Unit.objects.get(institution=w.yufe, code="xcb")
    r = SimpleNamespace(w=w, xcb=xcb)
    r.chem_resp = make_user("chem_resp", "化工学院直接责任人", (w.dut, Role.RESPONSIBLE, w.chem))
    r.xcb_op = make_user("xcb_op", "新闻中心编辑", (w.dut, Role.OPERATOR, xcb))
    r.xcb_resp = make_user("xcb_resp", "新闻中心责任编辑", (w.dut, Role.RESPONSIBLE, xcb))
    r.jg_party = make_user("jg_party", "机关党委书记", (w.dut, Role.UNIT_PARTY, xcb))
    r.acc_resp = make_user("acc_resp", "会计学院新闻秘书", (w.yufe, Role.RESPONSIBLE, w.acc))
    r.yufe_xcb_op = make_user("yufe_xcb_op", "云财宣传部编辑", (w.yufe, Role.OPERATOR, yufe_xcb))
    r.yufe_xcb_resp = make_user("yufe_xcb_resp", "云财宣传部责任编辑", (w.yufe, Role.RESPONSIBLE, yufe_xcb))
    r.yufe_xcb_head = make_user("yufe_xcb_head", "云财宣传部部长", (w.yufe, Role.UNIT_HEAD, yufe_xcb))
    r.chem = register(w, name="化工学院官微")
    r.youth = register(w, name="化工学院学生会", owner_kind="youth", platform=Platform.WEIBO)
    r.school = register(w, name="大连理工大学", unit=xcb, user=w.xuan, platform=Platform.DOUYIN)
    r.acc = register(w, name="会计学院官微", unit=w.acc, user=w.acc_op, inst=w.yufe)
    r.yufe_school = register(w, name="云南财经大学", unit=yufe_xcb, user=w.yufe_xuan, inst=w.yufe)
    accounts = [r.chem, r.youth, r.school, r.acc, r.yufe_school]
    MediaAccount.objects.filter(pk__in=[a.pk for a in accounts]).update(status=AccountStatus.ACTIVE)
    for account in accounts:
        account.status = AccountStatus.ACTIVE
    lexicon_demo_load(w.dut)  # 机密 (classified: blocks), 既使 (typo: a hint), ...
    lexicon_demo_load(w.yufe)
    return r
