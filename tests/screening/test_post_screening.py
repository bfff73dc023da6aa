"""Screening after publishing: imported and fetched posts are screened in the background, hits become findings."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mediagov.activity.imports import post_import
from mediagov.activity.models import Post, PostSource
from mediagov.activity.services import posts_add
from mediagov.celery import app
from mediagov.compliance.models import Finding, FindingState
from mediagov.compliance.selectors import evidence_rows
from mediagov.compliance.services import finding_waive
from mediagov.connectors.base import PostItem
from mediagov.core.errors import ImportFileError
from mediagov.notifications.models import Notification
from mediagov.screening.posts import posts_rescreen, posts_screen
from mediagov.screening.services import lexicon_bump, lexicon_import

from ..activity.builders import accounts, csv_bytes

LEXICON = "词条,类别,更正\n内部资料,classified,\n代写论文,commercial_ad,\n再接再励,typo,再接再厉\n"


@pytest.fixture
def eager():
    """delay() runs the task in this process, as a worker would after the commit."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def w(world):
    accounts(world)
    lexicon_import(institution=world.dut, data=LEXICON.encode(), filename="词库.csv", user=world.xuan)
    return world


def ago(days: int) -> str:
    return f"{timezone.localtime() - timedelta(days=days):%Y-%m-%d %H:%M}"


def row(title: str, text: str = "", days: int = 1, url: str = "") -> list[str]:
    return ["微信公众号", "gh_0123456789AB", ago(days), title, url, text]


def import_rows(w, rows, capture):
    with capture(execute=True):
        return post_import(institution=w.dut, data=csv_bytes(rows), filename="发布记录.csv")


def test_import_enqueues_screening_and_a_hit_becomes_a_finding(w, eager, django_capture_on_commit_callbacks):
    body = "本周例会纪要。" + "学院工作安排如下" * 5 + "，附件为内部资料，请勿转发。" + "其他事项另行通知" * 5
    result = import_rows(
        w, [row("例会通知", body), row("迎新季｜欢迎新同学")], django_capture_on_commit_callbacks
    )
    assert result.created == 2
    [finding] = Finding.objects.all()
    post = Post.objects.get(title="例会通知")
    assert (finding.account, finding.rule, finding.kind) == (w.wx, "screening.classified", "screening")
    assert finding.article == "第十四条（一）" and finding.citation.endswith("第十四条（一）")
    assert finding.regulation == w.dut.policy.title
    assert (finding.severity, finding.state) == ("urgent", FindingState.OPEN)
    assert finding.evidence["post_id"] == post.pk and finding.evidence["term"] == "内部资料"
    assert finding.evidence["category"] == "涉密信息"
    excerpt = finding.evidence["excerpt"]
    assert excerpt["hit"] == "内部资料"
    assert excerpt["before"].endswith("，附件为") and len(excerpt["before"]) == 31  # … + 30 characters
    assert excerpt["after"].startswith("，请勿转发") and excerpt["after"].endswith("…")
    assert finding.responsible == [{"role": "direct_responsible", "person_id": w.p_chem.pk, "name": "张三"}]
    assert finding.due_date is not None and "第十四条（一）" in finding.due_rule
    rows = dict(evidence_rows(finding.evidence))
    assert '<mark class="screening-hit">内部资料</mark>' in rows["摘录"]


def test_the_finding_page_marks_the_term(w, eager, django_capture_on_commit_callbacks, client):
    import_rows(w, [row("通知", "附件为内部资料<b>x</b>")], django_capture_on_commit_callbacks)
    finding = Finding.objects.get()
    client.force_login(w.xuan)
    page = client.get(f"/compliance/findings/{finding.pk}/").content.decode()
    assert '为<mark class="screening-hit">内部资料</mark>&lt;b&gt;x&lt;/b&gt;' in page


def test_screening_again_adds_nothing(w, eager, django_capture_on_commit_callbacks):
    import_rows(
        w, [row("例会通知", "内部资料，内部资料"), row("代写论文找我")], django_capture_on_commit_callbacks
    )
    assert Finding.objects.count() == 2
    first = Finding.objects.get(rule="screening.classified")
    assert first.evidence["hits"] == 2  # one finding per (post, term), however often the term occurs
    ids = list(Post.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        again = posts_screen(ids)
    assert (again.posts, again.hits, again.opened) == (2, 3, 0)
    import_rows(w, [row("例会通知", "内部资料，内部资料")], django_capture_on_commit_callbacks)  # same post
    assert Finding.objects.count() == 2
    finding_waive(first, by=w.xuan, reason="已核实为公开的会议材料")
    assert posts_screen(ids).opened == 0  # a waived hit is not raised again


def test_classified_hit_is_urgent_and_told_to_the_department_and_the_responsible(
    w, eager, django_capture_on_commit_callbacks
):
    import_rows(
        w, [row("例会通知", "附件为内部资料"), row("再接再励，勇创佳绩")], django_capture_on_commit_callbacks
    )
    classified = Finding.objects.get(rule="screening.classified")
    typo = Finding.objects.get(rule="screening.typo")
    assert classified.severity == "urgent" and typo.severity == "low"
    assert "应为“再接再厉”" in typo.message and typo.article == "第十三条"
    told = set(Notification.objects.filter(finding=classified).values_list("recipient__username", flat=True))
    assert {"xuan", "chem_op"} <= told  # the propaganda department and the direct responsible person (张三)
    assert "yufe_xuan" not in told and "mech_op" not in told
    note = Notification.objects.get(finding=classified, recipient=w.xuan)
    assert "《" in note.body and "第十四条（一）" in note.body and "紧急" in note.body
    assert Notification.objects.filter(finding=typo, recipient=w.xuan).exists()


def test_fetched_posts_are_screened_too(w, eager, django_capture_on_commit_callbacks):
    items = [
        PostItem(
            published_at=timezone.now() - timedelta(hours=2), title="招聘", url="", text="代写论文，加我"
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert posts_add(w.wx, items, source=PostSource.FEED) == 1
    finding = Finding.objects.get()
    assert (finding.rule, finding.article, finding.severity) == (
        "screening.commercial_ad",
        "第十四条（四）",
        "medium",
    )


def test_nothing_is_screened_before_the_commit_or_when_the_import_fails(
    w, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_import(institution=w.dut, data=csv_bytes([row("通知", "内部资料")]), filename="发布记录.csv")
    assert len(callbacks) == 1 and not Finding.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ImportFileError):
            post_import(
                institution=w.dut,
                data=csv_bytes([row("通知2", "内部资料"), ["微信", "", "", "", "", ""]]),
                filename="发布记录.csv",
            )
    assert callbacks == [] and not Finding.objects.exists()


def test_ad_signals_and_the_school_name_raise_no_finding(w, eager, django_capture_on_commit_callbacks):
    import_rows(
        w,
        [row("大连理工大学招生咨询", "咨询电话 0411-84708888，网址 www.dlut.edu.cn")],
        django_capture_on_commit_callbacks,
    )
    assert not Finding.objects.exists()


def test_rescreen_after_a_lexicon_import(w, eager, django_capture_on_commit_callbacks, capsys):
    import_rows(
        w,
        [row("近期", "刷单兼职日结", days=3), row("很久以前", "刷单兼职日结", days=60)],
        django_capture_on_commit_callbacks,
    )
    assert not Finding.objects.exists()
    lexicon_import(
        institution=w.dut,
        data="词条,类别\n刷单兼职,commercial_ad\n".encode(),
        filename="新增.csv",
        replace=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("screen", "posts", "--institution", "dut", "--days", "30")
    assert "新增问题1个" in capsys.readouterr().out
    [finding] = Finding.objects.all()
    assert finding.evidence["post_title"] == "近期" and "第2版" in finding.evidence["lexicon"]
    assert Notification.objects.filter(finding=finding, recipient=w.xuan).exists()
    assert posts_rescreen(w.dut, days=30).opened == 0
    assert posts_rescreen(w.dut, days=90).opened == 1  # the older post, once the window reaches it
    assert Finding.objects.count() == 2


def test_a_lexicon_change_rescreens_recent_posts_by_itself(w, eager, django_capture_on_commit_callbacks):
    import_rows(
        w,
        [row("近期", "刷单兼职日结", days=3), row("很久以前", "刷单兼职日结", days=60)],
        django_capture_on_commit_callbacks,
    )
    assert not Finding.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        lexicon_import(
            institution=w.dut,
            data="词条,类别\n刷单兼职,commercial_ad\n".encode(),
            filename="新增.csv",
            replace=False,
        )
    [finding] = Finding.objects.all()  # the pack's window (30 days by default) holds only the recent post
    assert finding.evidence["post_title"] == "近期"
    # An edit in the admin (lexicon_bump) re-screens too; what was found before is not found twice.
    with django_capture_on_commit_callbacks(execute=True):
        lexicon_bump(lexicon=finding_lexicon(w), source="管理后台", user=w.xuan)
    assert Finding.objects.count() == 1


def finding_lexicon(w):
    from mediagov.screening.models import Lexicon

    return Lexicon.objects.get(institution=w.dut, name="词库")


def test_screen_command_keeps_its_stdin_contract(w, capsys):
    import io
    import json

    call_command("screen", "--institution", "dut", "--json", stdin=io.StringIO("内部资料"))
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [(h["term"], h["category"]) for h in hits] == [("内部资料", "classified")]


def test_yufe_cites_its_own_article(world, eager, django_capture_on_commit_callbacks):
    accounts(world)
    lexicon = LEXICON + "突发事件通报,sensitive_topic,\n"
    lexicon_import(institution=world.yufe, data=lexicon.encode(), filename="词库.csv")
    with django_capture_on_commit_callbacks(execute=True):
        post_import(
            institution=world.yufe,
            data=csv_bytes(
                [
                    ["微信公众号", "gh_0123456789ab", ago(1), "通知", "", "内部资料"],
                    ["微信公众号", "gh_0123456789ab", ago(2), "突发事件通报", "", ""],
                ]
            ),
            filename="发布记录.csv",
        )
    finding = Finding.objects.get(rule="screening.classified")
    conf = world.yufe.policy.data["screening"]["categories"]["classified"]
    assert finding.institution == world.yufe and finding.article == conf["article"]
    assert "第十一条" in finding.article
    assert Notification.objects.filter(finding=finding, recipient=world.yufe_xuan).exists()
    sensitive = Finding.objects.get(rule="screening.sensitive_topic")
    assert sensitive.article == "第十二条" and sensitive.severity == "high"
