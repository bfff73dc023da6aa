"""The compliance pages: who sees which page, and the finding lifecycle and the sanction ladder through them.

Findings come from the real scan: an active account opened long ago that never posted breaks DUT 第十二条
twice (two empty months, fewer than 20 posts a year); a YUFE account misses its monthly reports.
"""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from mediagov.compliance.models import (
    Finding,
    FindingState,
    Sanction,
    SanctionLevel,
    SanctionState,
    Scan,
    ScanTrigger,
    Severity,
)
from mediagov.compliance.services import scan_run
from mediagov.org.models import Role
from mediagov.registry.models import AccountStatus

from ..conftest import make_user
from .builders import live_account

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
TWO_MONTHS = "dut-12-two-months"


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def case(world, frozen):
    """化工学院官微 and 机械学院官微 (DUT) and 会计学院官微 (YUFE), never posted, scanned today."""
    w = world
    chem = live_account(w, "化工学院官微", created_on=date(2024, 1, 1))
    mech = live_account(
        w,
        "机械学院官微",
        created_on=date(2024, 1, 1),
        unit=w.mech,
        user=w.mech_op,
        direct_responsible=w.p_mech,
    )
    yufe = live_account(
        w, "会计学院官微", created_on=date(2024, 1, 1), unit=w.acc, inst=w.yufe, user=w.acc_op
    )
    scan_run(w.dut, as_of=TODAY)
    scan_run(w.yufe, as_of=TODAY)
    return SimpleNamespace(
        chem=chem,
        mech=mech,
        yufe=yufe,
        chem_finding=Finding.objects.get(account=chem, rule=TWO_MONTHS),
        mech_finding=Finding.objects.get(account=mech, rule=TWO_MONTHS),
        yufe_finding=Finding.objects.filter(account=yufe).first(),
    )


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


def state_of(finding) -> str:
    return Finding.objects.get(pk=finding.pk).state


# --- who opens which page ---------------------------------------------------------------------------------
def page_urls(case, world) -> dict:
    return {
        "overview": reverse("compliance:overview"),
        "unit": reverse("compliance:unit_detail", args=[world.chem.pk]),
        "account": reverse("compliance:account_detail", args=[case.chem.pk]),
        "finding": reverse("compliance:finding_detail", args=[case.chem_finding.pk]),
    }


@pytest.mark.parametrize(
    "who, expected",
    [
        ("xuan", {"overview": 200, "unit": 200, "account": 200, "finding": 200}),
        ("chem_op", {"overview": 200, "unit": 200, "account": 200, "finding": 200}),
        ("chem_party", {"overview": 200, "unit": 200, "account": 200, "finding": 200}),
        ("mech_op", {"overview": 200, "unit": 404, "account": 404, "finding": 404}),
        ("mech_head", {"overview": 200, "unit": 404, "account": 404, "finding": 404}),
        ("yufe_xuan", {"overview": 200, "unit": 404, "account": 404, "finding": 404}),
        ("acc_op", {"overview": 200, "unit": 404, "account": 404, "finding": 404}),
        ("stranger", {"overview": 403, "unit": 404, "account": 404, "finding": 404}),
    ],
)
def test_pages_by_role(client, world, case, who, expected):
    login(client, getattr(world, who))
    got = {name: client.get(url).status_code for name, url in page_urls(case, world).items()}
    assert got == expected


def test_sanction_page_by_role(client, world, case):
    sanction = issue(client, world, case, SanctionLevel.RECTIFY)
    url = reverse("compliance:sanction_detail", args=[sanction.pk])
    for who, status in [("xuan", 200), ("chem_op", 200), ("mech_op", 404), ("yufe_xuan", 404)]:
        assert login(client, getattr(world, who)).get(url).status_code == status, who


def test_anonymous_is_sent_to_login(client, world, case):
    urls = list(page_urls(case, world).values()) + [
        reverse("compliance:overview_export"),
        reverse("compliance:unit_export", args=[world.chem.pk]),
        reverse("compliance:account_export", args=[case.chem.pk]),
        reverse("compliance:sanction_detail", args=[1]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next="), url
    response = client.post(reverse("compliance:finding_acknowledge", args=[case.chem_finding.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert state_of(case.chem_finding) == FindingState.OPEN


def test_post_endpoints_refuse_get(client, world, case):
    login(client, world.xuan)
    pk = case.chem_finding.pk
    for name in (
        "finding_acknowledge",
        "finding_rectify",
        "finding_verify",
        "finding_reject",
        "finding_waive",
    ):
        assert client.get(reverse(f"compliance:{name}", args=[pk])).status_code == 405, name
    assert client.get(reverse("compliance:sanction_issue", args=[case.chem.pk])).status_code == 405
    assert client.get(reverse("compliance:scan_now")).status_code == 405


def test_unit_page_covers_sub_units_and_stays_in_scope(client, world, case, frozen):
    lab = live_account(
        world, "精细化工实验室", created_on=date(2024, 1, 1), unit=world.chem_lab, is_main=False
    )
    scan_run(world.dut, as_of=TODAY)
    html = html_of(login(client, world.chem_op).get(reverse("compliance:unit_detail", args=[world.chem.pk])))
    assert "化工学院官微" in html and "精细化工实验室" in html and "机械学院官微" not in html
    assert 'id="children"' in html and world.chem_lab.name in html
    html = html_of(client.get(reverse("compliance:unit_detail", args=[world.chem_lab.pk])))
    assert "精细化工实验室" in html and "化工学院官微" not in html
    assert Finding.objects.filter(account=lab).exists()
    login(client, world.mech_op)
    assert client.get(reverse("compliance:unit_detail", args=[world.chem_lab.pk])).status_code == 404
    assert client.get(reverse("compliance:unit_detail", args=[999_999])).status_code == 404
    html = html_of(client.get(reverse("compliance:unit_detail", args=[world.mech.pk])))
    assert "机械学院官微" in html and "化工学院官微" not in html


# --- the overview -----------------------------------------------------------------------------------------
def test_department_overview(client, world, case):
    html = html_of(login(client, world.xuan).get(reverse("compliance:overview")))
    assert "化工学院官微" in html and "机械学院官微" in html and "会计学院官微" not in html
    assert 'id="scan-now"' in html and 'id="scans"' in html
    open_dut = Finding.objects.filter(institution=world.dut).active().count()
    assert f'id="kpi-open">{open_dut}<' in html
    assert TWO_MONTHS in html and "连续2个自然月未更新" in html  # the rule catalogue, parameters filled in
    assert "《大连理工大学新媒体管理办法》第十二条" in html
    assert "问责第一责任人和直接责任人" in html  # the pack's guidance("compliance")
    by_unit = html.split('id="by-unit"')[1].split("</table>")[0]
    assert world.chem.name in by_unit and world.mech.name in by_unit


def test_unit_staff_see_their_scope_without_the_scan_button(client, world, case):
    html = html_of(login(client, world.chem_op).get(reverse("compliance:overview")))
    assert "化工学院官微" in html and "机械学院官微" not in html
    assert 'id="scan-now"' not in html and 'id="scans"' not in html
    mine = Finding.objects.filter(account=case.chem).active().count()
    assert f'id="kpi-open">{mine}<' in html
    by_unit = html.split('id="by-unit"')[1].split("</table>")[0]
    assert world.chem.name in by_unit and world.mech.name not in by_unit


def test_other_institution_sees_only_its_own(client, world, case):
    html = html_of(login(client, world.yufe_xuan).get(reverse("compliance:overview")))
    assert "会计学院官微" in html and "化工学院官微" not in html and "机械学院官微" not in html
    assert "云南财经大学" in html


def test_filters(client, world, case):
    login(client, world.xuan)
    url = reverse("compliance:overview")

    def listed(query) -> str:
        html = html_of(client.get(url + query))
        return html.split('class="table table-sm table-hover mb-0 align-middle findings"')[1].split(
            "</table>"
        )[0]

    assert "机械学院官微" not in listed("?q=化工")
    assert "化工学院官微" in listed("?q=化工")
    assert "化工学院官微" not in listed(f"?unit={world.mech.pk}")
    assert listed(f"?rule={TWO_MONTHS}").count("连续") == 2  # one per account
    assert "没有符合条件的问题" in listed("?severity=urgent")
    assert "没有符合条件的问题" in listed("?overdue=on")  # due in ten working days
    with time_machine.travel(date(2026, 12, 31), tick=False):
        login(client, world.xuan)  # the session of 22 November has expired by then
        assert "已逾期" in listed("?overdue=on")
    assert "没有符合条件的问题" in listed("?state=closed")
    Finding.objects.filter(pk=case.chem_finding.pk).update(state=FindingState.WAIVED)
    assert "化工学院官微" in listed("?state=done") and "机械学院官微" not in listed("?state=done")


def test_the_pager_keeps_the_filters(client, world, case):
    base = case.chem_finding
    Finding.objects.bulk_create(
        [
            Finding(
                institution=world.dut,
                account=case.chem,
                rule="t-bulk",
                kind="inactivity_days",
                key=f"k{i}",
                regulation=base.regulation,
                article=base.article,
                title=f"测试问题{i}",
                message="测试",
                severity=Severity.HIGH,
                action="整改",
                first_seen=TODAY,
                last_seen=TODAY,
            )
            for i in range(55)
        ]
    )
    html = html_of(login(client, world.xuan).get(reverse("compliance:overview") + "?severity=high"))
    assert "severity=high&page=2" in html.replace("&amp;", "&")
    html = html_of(client.get(reverse("compliance:overview") + "?severity=high&page=2"))
    assert "第 2 / 2 页" in html


def test_scan_now(client, world, case, frozen):
    login(client, world.chem_op)
    assert client.post(reverse("compliance:scan_now")).status_code == 403
    login(client, world.xuan)
    response = client.post(reverse("compliance:scan_now"), follow=True)
    html = html_of(response)
    assert "扫描完成" in html and "新发现 0 个" in html
    scan = Scan.objects.filter(institution=world.dut).first()
    assert scan.trigger == ScanTrigger.WEB and scan.by == world.xuan and scan.as_of == TODAY
    assert "页面" in html.split('id="scans"')[1]


# --- the finding page and its actions ---------------------------------------------------------------------
def test_finding_page_for_the_department(client, world, case):
    html = html_of(
        login(client, world.xuan).get(reverse("compliance:finding_detail", args=[case.chem_finding.pk]))
    )
    assert "《大连理工大学新媒体管理办法》第十二条" in html
    assert "未更新的月份" in html and "2026-10" in html  # the evidence as a table
    assert "直接责任人：张三" in html
    assert "个工作日内整改" in html  # the due rule
    assert 'id="waive"' in html and 'id="acknowledge"' in html  # the department also answers
    assert "发现问题" in html  # the audit trail


def test_finding_page_for_unit_staff_and_in_scope_readers(client, world, case):
    url = reverse("compliance:finding_detail", args=[case.chem_finding.pk])
    html = html_of(login(client, world.chem_op).get(url))
    assert 'id="acknowledge"' in html and 'id="rectify"' in html and 'id="waive"' not in html
    html = html_of(login(client, world.it).get(url))  # the IT center sees, but neither answers nor judges
    assert 'id="acknowledge"' not in html and 'id="waive"' not in html


def test_lifecycle_through_the_pages(client, world, case):
    finding = case.chem_finding
    pk = finding.pk
    login(client, world.chem_op)
    assert client.post(reverse("compliance:finding_acknowledge", args=[pk])).status_code == 302
    assert state_of(finding) == FindingState.ACKNOWLEDGED
    html = html_of(
        client.post(
            reverse("compliance:finding_rectify", args=[pk]),
            {"description": "已恢复更新，每周至少两篇", "url": "https://example.edu.cn/news/1"},
            follow=True,
        )
    )
    assert "已报告整改" in html and "已恢复更新，每周至少两篇" in html
    finding = Finding.objects.get(pk=pk)
    assert finding.state == FindingState.RECTIFIED and finding.rectified_by == world.chem_op
    assert finding.rectification_url == "https://example.edu.cn/news/1"
    assert client.post(reverse("compliance:finding_verify", args=[pk])).status_code == 403
    assert state_of(finding) == FindingState.RECTIFIED

    xuan2 = make_user("xuan2", "宣传部李老师", (world.dut, Role.PROPAGANDA, None))
    login(client, xuan2)
    html = html_of(
        client.post(reverse("compliance:finding_verify", args=[pk]), {"note": "抽查属实"}, follow=True)
    )
    assert "整改已核验" in html
    finding = Finding.objects.get(pk=pk)
    assert finding.state == FindingState.CLOSED and finding.closed_by == xuan2
    history = html.split('id="history"')[1]
    for label in ("发现问题", "确认问题", "报告整改", "核验整改并关闭"):
        assert label in history, label
    assert "已整改待核验" in html.split('id="changes"')[1]  # field-level history of the state


def test_the_rectifier_cannot_verify(client, world, case):
    pk = case.chem_finding.pk
    login(client, world.xuan)
    client.post(reverse("compliance:finding_rectify", args=[pk]), {"description": "宣传部代为整改"})
    assert state_of(case.chem_finding) == FindingState.RECTIFIED
    html = html_of(client.post(reverse("compliance:finding_verify", args=[pk]), follow=True))
    assert "不能核验本人报告的整改" in html
    assert state_of(case.chem_finding) == FindingState.RECTIFIED


def test_rectify_needs_a_description_and_a_valid_link(client, world, case):
    pk = case.chem_finding.pk
    login(client, world.chem_op)
    html = html_of(
        client.post(reverse("compliance:finding_rectify", args=[pk]), {"description": " "}, follow=True)
    )
    assert "请填写整改情况" in html
    html = html_of(
        client.post(
            reverse("compliance:finding_rectify", args=[pk]),
            {"description": "已整改", "url": "javascript:alert(1)"},
            follow=True,
        )
    )
    assert "alert-danger" in html
    assert state_of(case.chem_finding) == FindingState.OPEN


def test_reject_needs_a_note(client, world, case):
    pk = case.chem_finding.pk
    login(client, world.chem_op).post(
        reverse("compliance:finding_rectify", args=[pk]), {"description": "已整改"}
    )
    login(client, world.xuan)
    html = html_of(client.post(reverse("compliance:finding_reject", args=[pk]), {"note": ""}, follow=True))
    assert "退回整改须说明理由" in html and state_of(case.chem_finding) == FindingState.RECTIFIED
    client.post(reverse("compliance:finding_reject", args=[pk]), {"note": "仍未更新"})
    assert state_of(case.chem_finding) == FindingState.ACKNOWLEDGED


def test_waive_only_by_the_department_with_a_reason(client, world, case):
    pk = case.chem_finding.pk
    url = reverse("compliance:finding_waive", args=[pk])
    assert login(client, world.chem_op).post(url, {"reason": "不想整改"}).status_code == 403
    assert login(client, world.chem_party).post(url, {"reason": "不想整改"}).status_code == 403
    assert state_of(case.chem_finding) == FindingState.OPEN
    html = html_of(login(client, world.xuan).post(url, {"reason": ""}, follow=True))
    assert "豁免须说明理由" in html and state_of(case.chem_finding) == FindingState.OPEN
    html = html_of(client.post(url, {"reason": "帐号已并入学院主号"}, follow=True))
    assert "问题已豁免" in html and state_of(case.chem_finding) == FindingState.WAIVED
    html = html_of(client.post(url, {"reason": "再次豁免"}, follow=True))
    assert "不能豁免" in html


def test_actions_outside_scope_are_404_and_change_nothing(client, world, case):
    actions = ("finding_acknowledge", "finding_rectify", "finding_verify", "finding_reject", "finding_waive")
    data = {"description": "越权", "note": "越权", "reason": "越权"}
    for who in ("mech_op", "mech_head", "yufe_xuan", "acc_op", "stranger"):
        login(client, getattr(world, who))
        for name in actions:
            response = client.post(reverse(f"compliance:{name}", args=[case.chem_finding.pk]), data)
            assert response.status_code == 404, (who, name)
        response = client.post(
            reverse("compliance:sanction_issue", args=[case.chem.pk]),
            {"level": "rectify", "findings": [case.chem_finding.pk], "reason": "越权"},
        )
        assert response.status_code == 404, who
    assert state_of(case.chem_finding) == FindingState.OPEN
    assert not Sanction.objects.exists()


def test_the_department_of_another_institution_cannot_judge(client, world, case):
    login(client, world.yufe_xuan)
    assert (
        client.post(
            reverse("compliance:finding_waive", args=[case.chem_finding.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    login(client, world.xuan)
    assert (
        client.post(
            reverse("compliance:finding_waive", args=[case.yufe_finding.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert state_of(case.yufe_finding) == FindingState.OPEN


# --- sanctions ----------------------------------------------------------------------------------------------
def issue(client, world, case, level, findings=None, reason="连续未更新", user=None, **extra):
    login(client, user or world.xuan)
    response = client.post(
        reverse("compliance:sanction_issue", args=[case.chem.pk]),
        {
            "level": level,
            "findings": [f.pk for f in findings or [case.chem_finding]],
            "reason": reason,
            **extra,
        },
    )
    assert response.status_code == 302
    return Sanction.objects.filter(account=case.chem).first()


def status_of(account) -> str:
    account.refresh_from_db()
    return account.status


def test_account_page_shows_the_sanction_form_to_the_department_only(client, world, case):
    url = reverse("compliance:account_detail", args=[case.chem.pk])
    html = html_of(login(client, world.xuan).get(url))
    assert 'id="sanction-form"' in html
    accountable = html.split('id="accountable"')[1].split("</div>")[0]
    assert "直接责任人" in accountable and "张三" in accountable and "10001" in accountable
    assert "连续" in html  # the findings to tick
    html = html_of(login(client, world.chem_op).get(url))
    assert 'id="sanction-form"' not in html and "化工学院官微" in html


def test_only_the_department_issues(client, world, case):
    login(client, world.chem_party)
    response = client.post(
        reverse("compliance:sanction_issue", args=[case.chem.pk]),
        {"level": "rectify", "findings": [case.chem_finding.pk], "reason": "x"},
    )
    assert response.status_code == 403
    assert not Sanction.objects.exists() and status_of(case.chem) == AccountStatus.ACTIVE


def test_sanction_needs_findings_and_a_reason(client, world, case):
    login(client, world.xuan)
    url = reverse("compliance:sanction_issue", args=[case.chem.pk])
    html = html_of(client.post(url, {"level": "rectify", "reason": "x"}, follow=True))
    assert "处理决定须依据至少一个问题" in html
    html = html_of(client.post(url, {"level": "rectify", "findings": [case.chem_finding.pk]}, follow=True))
    assert "请填写处理理由" in html
    html = html_of(
        client.post(url, {"level": "rectify", "findings": [case.mech_finding.pk], "reason": "x"}, follow=True)
    )
    assert "alert-danger" in html  # another account's finding is not a choice
    assert not Sanction.objects.exists()


def test_sanction_ladder_through_the_pages(client, world, case, frozen):
    first = issue(client, world, case, SanctionLevel.RECTIFY)
    assert first.level == SanctionLevel.RECTIFY and first.deadline == date(2026, 12, 4)
    assert status_of(case.chem) == AccountStatus.RECTIFYING
    html = html_of(client.get(reverse("compliance:sanction_detail", args=[first.pk])))
    assert "责令整改" in html and "整改中" in html and "直接责任人：张三" in html

    # The same level again is refused; a manual deadline is kept.
    html = html_of(
        client.post(
            reverse("compliance:sanction_issue", args=[case.chem.pk]),
            {"level": "rectify", "findings": [case.chem_finding.pk], "reason": "再次"},
            follow=True,
        )
    )
    assert "只能升级" in html
    second = issue(client, world, case, SanctionLevel.SUSPEND, reason="逾期未整改", deadline="2026-12-20")
    assert second.pk != first.pk and second.deadline == date(2026, 12, 20)
    assert status_of(case.chem) == AccountStatus.SUSPENDED
    assert Sanction.objects.get(pk=first.pk).state == SanctionState.ESCALATED
    html = html_of(client.get(reverse("compliance:sanction_detail", args=[second.pk])))
    chain = html.split('id="chain"')[1].split("</ol>")[0]
    assert chain.index("责令整改") < chain.index("关停整改") and "已升级" in chain
    assert "运营中" in html  # the status before the first sanction, to be restored

    lift = reverse("compliance:sanction_lift", args=[second.pk])
    assert login(client, world.chem_op).post(lift, {"note": "恢复"}).status_code == 403
    html = html_of(login(client, world.xuan).post(lift, {"note": "恢复"}, follow=True))
    assert "尚未核验整改" in html
    assert status_of(case.chem) == AccountStatus.SUSPENDED

    login(client, world.chem_op).post(
        reverse("compliance:finding_rectify", args=[case.chem_finding.pk]), {"description": "已恢复更新"}
    )
    login(client, world.xuan).post(reverse("compliance:finding_verify", args=[case.chem_finding.pk]))
    assert state_of(case.chem_finding) == FindingState.CLOSED
    html = html_of(client.post(lift, {"note": ""}, follow=True))
    assert "请填写解除说明" in html and status_of(case.chem) == AccountStatus.SUSPENDED
    html = html_of(client.post(lift, {"note": "整改核验通过，恢复运营"}, follow=True))
    assert "处理已解除" in html and "运营中" in html
    assert status_of(case.chem) == AccountStatus.ACTIVE
    assert Sanction.objects.get(pk=second.pk).state == SanctionState.LIFTED


def test_account_page_lists_done_findings_and_sanctions(client, world, case):
    issue(client, world, case, SanctionLevel.RECTIFY)
    Finding.objects.filter(pk=case.chem_finding.pk).update(state=FindingState.WAIVED)
    html = html_of(client.get(reverse("compliance:account_detail", args=[case.chem.pk])))
    assert "已豁免" in html and "责令整改" in html


# --- links from the rest of the site ------------------------------------------------------------------------
def test_registry_account_page_links_to_compliance(client, world, case):
    html = html_of(login(client, world.chem_op).get(reverse("registry:account_detail", args=[case.chem.pk])))
    box = html.split('id="compliance-box"')[1]
    open_count = Finding.objects.filter(account=case.chem).active().count()
    assert "合规情况" in html and f"未关闭问题 {open_count} 个" in box
    assert reverse("compliance:account_detail", args=[case.chem.pk]) in box
    assert 'href="/compliance/"' in html and "合规检查" in html  # the navbar
