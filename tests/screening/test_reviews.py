"""先审后发: levels from the pack, the screening report, the rules of deciding, returning and resubmitting."""

import pytest

from mediagov.core.errors import PermissionDenied
from mediagov.core.models import ActionLog
from mediagov.notifications.models import Notification
from mediagov.screening.models import ContentReview, DecisionKind, ReviewState
from mediagov.screening.reviews import (
    ReviewError,
    content_review_create,
    content_review_decide,
    content_review_submit,
    content_review_update,
    content_review_withdraw,
    reviews_to_decide,
)

APPROVE, RETURN, REJECT = DecisionKind.APPROVED, DecisionKind.RETURNED, DecisionKind.REJECTED


def draft(account, author, body="学院举办学术报告会，欢迎师生参加。", **kw):
    return content_review_create(
        account=account, user=author, title=kw.pop("title", "学术报告会通知"), body=body, **kw
    )


def submitted(account, author, body="学院举办学术报告会，欢迎师生参加。", **kw):
    return content_review_submit(review=draft(account, author, body, **kw), user=author)


def active(account):
    account.status = "active"
    account.save(update_fields=["status"])
    return account


def labels(review):
    return [(d.level, d.label, d.article) for d in review.current_decisions()]


# ---------------------------------------------------------------- levels come from the pack
def test_unit_account_passes_two_levels_of_the_dut_pack(rw):
    review = submitted(rw.chem, rw.w.chem_op)
    assert review.state == ReviewState.IN_REVIEW
    assert labels(review) == [
        (1, "初审（直接责任人）", "第七条"),
        (2, "复审（二级党组织，第一责任人）", "第六条"),
    ]
    assert review.current_decisions()[1].unit == rw.w.chem


def test_school_level_account_passes_three_levels_with_final_review_by_the_propaganda_department(rw):
    review = submitted(rw.school, rw.xcb_op)
    assert labels(review) == [
        (1, "初审（直接责任人）", "第七条"),
        (2, "复审（单位党政负责人）", "第六条"),
        (3, "终审（党委宣传部、新闻中心）", "第四条（一）"),
    ]
    assert review.current_decisions()[2].roles == ["propaganda"]


def test_supervised_owner_kind_goes_to_the_supervising_department(rw):
    review = submitted(rw.youth, rw.w.chem_op)
    second = review.current_decisions()[1]
    assert (second.roles, second.unit, second.article) == (["supervisor"], rw.w.tw, "第五条")


def test_yufe_levels_two_for_units_three_for_school_level(rw):
    unit = submitted(rw.acc, rw.w.acc_op)
    assert [d.label for d in unit.current_decisions()] == ["初审（专人负责）", "复审（单位主要负责人）"]
    school = submitted(rw.yufe_school, rw.yufe_xcb_op)
    assert [(d.label, d.article) for d in school.current_decisions()] == [
        ("初审（专人负责）", "第十四条"),
        ("复审（单位主要负责人）", "第九条"),
        ("终审（党委宣传部）", "第四条"),
    ]


# ---------------------------------------------------------------- the screening report
def test_submission_stores_the_screening_report_with_article_offsets_and_lexicon_version(rw):
    body = "本次会议材料属机密，既使如此也请按时参会。"
    review = submitted(rw.chem, rw.w.chem_op, body=body)
    hits = {h["term"]: h for h in review.report["hits"]}
    secret = hits["机密"]
    assert secret["field"] == "body"
    assert body[secret["start"] : secret["end"]] == "机密"
    assert secret["category"] == "classified"
    assert secret["article"] == "《大连理工大学新媒体管理办法》第十四条（一）"
    assert secret["blocks"] is True
    assert (secret["lexicon"], secret["version"]) == ("演示词库", 1)
    assert hits["既使"]["blocks"] is False and hits["既使"]["correction"] == "即使"
    assert review.report["blocking"] == 1
    assert review.report["lexicons"] == {"演示词库": 1}
    assert review.versions.get().report == review.report


def test_title_and_links_are_screened_but_links_are_not_flagged_as_addresses(rw):
    review = submitted(
        rw.chem, rw.w.chem_op, title="免费领取纪念品", links=["https://www.dlut.edu.cn/info/1.htm"]
    )
    fields = [(h["field"], h["term"]) for h in review.report["hits"]]
    assert ("title", "免费领取") in fields
    assert not [f for f in fields if f[0] == "links"]


def test_bad_link_is_refused_naming_the_line(rw):
    with pytest.raises(ReviewError, match="链接第2行“ftp://x”不是有效的网址"):
        draft(rw.chem, rw.w.chem_op, links="https://a.example.cn/\nftp://x")


# ---------------------------------------------------------------- who decides
def test_nobody_reviews_their_own_draft(rw):
    review = submitted(rw.chem, rw.chem_resp)  # the 直接责任人 writes it and holds level 1's role
    with pytest.raises(PermissionDenied, match="不能审核本人撰写的稿件"):
        content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE)
    assert review.current_level().level == 1
    assert reviews_to_decide(rw.chem_resp).count() == 0


def test_nobody_reviews_their_own_draft_at_a_later_level(rw):
    review = submitted(rw.school, rw.jg_party)  # 机关党委 writes; it holds the second level's role
    content_review_decide(review=review, user=rw.xcb_resp, decision=APPROVE)
    with pytest.raises(PermissionDenied, match="不能审核本人撰写的稿件"):
        content_review_decide(review=review, user=rw.jg_party, decision=APPROVE)


def test_levels_are_decided_in_order(rw):
    review = submitted(rw.chem, rw.w.chem_op)
    with pytest.raises(ReviewError, match="须按顺序审核：当前为“初审（直接责任人）”，尚未轮到“复审"):
        content_review_decide(review=review, user=rw.w.chem_party, decision=APPROVE)
    content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE)
    review = content_review_decide(review=review, user=rw.w.chem_party, decision=APPROVE)
    assert review.state == ReviewState.APPROVED
    assert [d.reviewer for d in review.current_decisions()] == [rw.chem_resp, rw.w.chem_party]


def test_one_person_does_not_decide_two_levels(rw):
    from mediagov.org.models import Membership, Role

    Membership.objects.create(user=rw.chem_resp, institution=rw.w.dut, role=Role.UNIT_PARTY, unit=rw.w.chem)
    rw.chem_resp._mediagov_memberships = None
    review = submitted(rw.chem, rw.w.chem_op)
    content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE)
    with pytest.raises(PermissionDenied, match="各审级须由不同的人审核"):
        content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE)


def test_a_user_without_the_level_role_is_refused(rw):
    review = submitted(rw.chem, rw.w.chem_op)
    for user in (rw.w.mech_head, rw.w.xuan, rw.w.yufe_xuan):
        with pytest.raises(PermissionDenied, match="您不是“初审（直接责任人）”的审核人"):
            content_review_decide(review=review, user=user, decision=APPROVE)


# ---------------------------------------------------------------- blocking hits need an override
def test_approving_a_blocking_hit_needs_override_and_reason(rw):
    review = submitted(rw.chem, rw.w.chem_op, body="会议纪要属机密文件。")
    with pytest.raises(ReviewError, match="筛查发现1处阻止发布的内容：“机密”（涉密信息）") as exc:
        content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE)
    assert exc.value.article == "《大连理工大学新媒体管理办法》第十四条（一）"
    with pytest.raises(ReviewError, match="确认放行"):
        content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE, override=True)
    with pytest.raises(ReviewError, match="确认放行"):
        content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE, override_reason="已核实")
    assert review.current_level().level == 1
    content_review_decide(
        review=review,
        user=rw.chem_resp,
        decision=APPROVE,
        override=True,
        override_reason="“机密”为化学课程名称引用",
    )
    first = review.current_decisions()[0]
    assert (first.decision, first.override, first.override_reason) == (
        APPROVE,
        True,
        "“机密”为化学课程名称引用",
    )
    log = ActionLog.objects.for_object(review).get(action="review.level_approved")
    assert log.data["override"] is True and log.data["override_reason"] == "“机密”为化学课程名称引用"
    # the next level decides for itself: the override of level 1 does not carry over
    with pytest.raises(ReviewError, match="确认放行"):
        content_review_decide(review=review, user=rw.w.chem_party, decision=APPROVE)


def test_hints_that_do_not_block_need_no_override(rw):
    review = submitted(rw.chem, rw.w.chem_op, body="既使下雨，运动会照常举行。")
    content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE)
    assert review.current_decisions()[0].override is False


# ---------------------------------------------------------------- return, edit, resubmit: everything kept
def test_returned_draft_is_edited_resubmitted_and_screened_again(rw):
    review = submitted(rw.chem, rw.w.chem_op, body="会议纪要属机密文件。")
    with pytest.raises(ReviewError, match="须填写审核意见"):
        content_review_decide(review=review, user=rw.chem_resp, decision=RETURN)
    review = content_review_decide(review=review, user=rw.chem_resp, decision=RETURN, comment="删除涉密表述")
    assert review.state == ReviewState.RETURNED
    assert [d.decision for d in review.current_decisions()] == [RETURN, DecisionKind.SKIPPED]
    with pytest.raises(PermissionDenied):
        content_review_update(review=review, user=rw.chem_resp, title="x", body="y")
    content_review_update(review=review, user=rw.w.chem_op, title="学术报告会通知", body="会议纪要见附件。")
    review = content_review_submit(review=review, user=rw.w.chem_op)
    assert (review.state, review.round, review.report["blocking"]) == (ReviewState.IN_REVIEW, 2, 0)
    assert [v.round for v in review.versions.all()] == [2, 1]
    assert review.versions.get(round=1).body == "会议纪要属机密文件。"
    assert review.versions.get(round=1).report["blocking"] == 1
    assert review.decisions.filter(round=1).count() == 2  # the first round's decisions are kept
    assert review.current_level().level == 1  # every level again
    actions = list(ActionLog.objects.for_object(review).order_by("pk").values_list("action", flat=True))
    assert actions == [
        "review.created",
        "review.submitted",
        "review.returned",
        "review.updated",
        "review.resubmitted",
    ]
    assert review.history.count() >= 4


def test_rejected_is_final_and_withdrawn_drafts_cannot_be_decided(rw):
    review = submitted(rw.chem, rw.w.chem_op)
    review = content_review_decide(
        review=review, user=rw.chem_resp, decision=REJECT, comment="与学院工作无关"
    )
    assert review.state == ReviewState.REJECTED
    with pytest.raises(ReviewError, match="不能提交"):
        content_review_submit(review=review, user=rw.w.chem_op)
    other = submitted(rw.chem, rw.w.chem_op)
    content_review_withdraw(review=other, user=rw.w.chem_op)
    with pytest.raises(ReviewError, match="已撤回"):
        content_review_decide(review=other, user=rw.chem_resp, decision=APPROVE)


def test_school_level_draft_needs_three_people_and_the_department_last(rw):
    review = submitted(rw.school, rw.xcb_op)
    with pytest.raises(ReviewError, match="须按顺序审核"):
        content_review_decide(review=review, user=rw.w.xuan, decision=APPROVE)
    content_review_decide(review=review, user=rw.xcb_resp, decision=APPROVE)
    content_review_decide(review=review, user=rw.jg_party, decision=APPROVE)
    assert review.current_level().label == "终审（党委宣传部、新闻中心）"
    review = content_review_decide(review=review, user=rw.w.xuan, decision=APPROVE, comment="同意发布")
    assert review.state == ReviewState.APPROVED and review.decided_at is not None


# ---------------------------------------------------------------- notifications
def test_next_level_and_author_are_notified(rw):
    review = submitted(rw.chem, rw.w.chem_op)
    told = lambda user: list(Notification.objects.filter(recipient=user, stage="review").order_by("pk"))  # noqa: E731
    assert [n.title for n in told(rw.chem_resp)] == ["【先审后发】待您审核：《学术报告会通知》"]
    assert told(rw.w.chem_party) == [] and told(rw.w.chem_op) == []
    content_review_decide(review=review, user=rw.chem_resp, decision=APPROVE)
    assert len(told(rw.w.chem_party)) == 1
    assert "第2级 复审（二级党组织，第一责任人）" in told(rw.w.chem_party)[0].body
    assert "《大连理工大学新媒体管理办法》第六条" in told(rw.w.chem_party)[0].body
    assert len(told(rw.w.chem_op)) == 1
    content_review_decide(review=review, user=rw.w.chem_party, decision=APPROVE)
    assert "已通过全部2级审核，可以发布" in told(rw.w.chem_op)[-1].title
    assert Notification.objects.filter(recipient=rw.w.mech_head, stage="review").count() == 0


# ---------------------------------------------------------------- scope
def test_reviews_are_seen_through_the_account_scope(rw):
    chem = submitted(rw.chem, rw.w.chem_op)
    acc = submitted(rw.acc, rw.w.acc_op)
    visible = lambda user: set(ContentReview.objects.visible_to(user))  # noqa: E731
    assert visible(rw.w.xuan) == {chem}
    assert visible(rw.w.mech_op) == set()
    assert visible(rw.w.yufe_xuan) == {acc}
    assert visible(rw.w.stranger) == set()
    assert set(reviews_to_decide(rw.chem_resp)) == {chem}
    assert set(reviews_to_decide(rw.acc_resp)) == {acc}


def test_only_staff_of_the_account_write_drafts_for_it(rw):
    for user in (rw.w.mech_op, rw.w.it, rw.w.yufe_xuan, rw.w.stranger):
        with pytest.raises(PermissionDenied, match="您无权为“化工学院官微”撰写稿件"):
            draft(rw.chem, user)
    assert draft(rw.chem, rw.w.xuan).author == rw.w.xuan  # the department writes for any account


def test_foreign_related_accounts_add_the_international_office(rw):
    from tests.registry.factories import register

    foreign = register(
        rw.w,
        name="机械学院国际交流",
        unit=rw.w.mech,
        user=rw.w.mech_op,
        direct_responsible=rw.w.p_mech,
        foreign_related=True,
    )
    review = submitted(active(foreign), rw.w.mech_op)
    assert [(d.label, d.article) for d in review.current_decisions()][-1] == (
        "国际合作与交流处审核（涉外信息）",
        "第四条（三）",
    )
    school = register(rw.w, name="DUT News", unit=rw.xcb, user=rw.w.xuan, foreign_related=True)
    levels = [d.label for d in submitted(active(school), rw.xcb_op).current_decisions()]
    assert levels[-2:] == ["国际合作与交流处审核（涉外信息）", "终审（党委宣传部、新闻中心）"]


@pytest.mark.parametrize("status", ["pending", "suspended", "cancelled"])
def test_accounts_that_may_not_publish_get_no_drafts(rw, status):
    from mediagov.registry.models import MediaAccount

    MediaAccount.objects.filter(pk=rw.chem.pk).update(status=status)
    rw.chem.refresh_from_db()
    with pytest.raises(ReviewError, match="不能发布内容"):
        draft(rw.chem, rw.w.chem_op)
