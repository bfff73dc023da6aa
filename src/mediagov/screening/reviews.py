"""先审后发 (review before publishing): an operator's draft is screened, then decided level by level.

The levels come from the institution's pack (`screening.review`, `PolicyPack.review_levels_for`): two levels
inside the unit for unit accounts, 三审 with final review by the propaganda department for school-level
accounts. `content_review_submit` screens the title, body, links, pasted attachment text and every uploaded
attachment (`screening.services.screen_text`) and stores the report with the submitted version; then
`content_review_decide` records one level's decision. The rules:

- nobody reviews their own draft, at any level, and nobody decides two levels of one round (三审 means three
  people);
- levels are decided in order; a returned draft is edited and resubmitted, screened again, and passes every
  level again (the earlier versions, reports and decisions are kept: 痕迹管理);
- approving a draft whose report has a hit in a blocking category needs an explicit override with a reason.

Every transition is recorded with `log_action` and announced with `notifications.services.notify`.
"""

from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError
from mediagov.core.errors import PermissionDenied as DomainPermissionDenied
from mediagov.core.scoping import holds_role_at, membership_covers
from mediagov.org.models import Membership, Unit

from .attachments import attachment_text
from .matcher import content_hits
from .models import (
    ContentReview,
    DecisionKind,
    Lexicon,
    ReviewAttachment,
    ReviewDecision,
    ReviewState,
    ReviewVersion,
)
from .services import screen_text

# Accounts that may publish: approved (运营中) and those rectifying a finding (整改中); not pending, suspended
# (关停整改) or cancelled accounts.
PUBLISHING_STATUSES = ("active", "rectifying")
MAX_LINKS = 20
MAX_ATTACHMENTS = 10
FIELD_LABELS = {"title": "标题", "body": "正文", "links": "链接", "attachments_text": "附件文字"}


class ReviewError(DomainError):
    pass


# ---------------------------------------------------------------- what is screened
def clean_links(raw) -> list[str]:
    """Links one per line (or a list); each must be an http(s) address. A ReviewError names the bad line."""
    lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    links = []
    for number, line in enumerate(lines, start=1):
        link = str(line).strip()
        if not link:
            continue
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > 500:
            raise ReviewError(f"链接第{number}行“{link[:80]}”不是有效的网址（应以 http:// 或 https:// 开头）")
        links.append(link)
    if len(links) > MAX_LINKS:
        raise ReviewError(f"链接最多{MAX_LINKS}个，现有{len(links)}个")
    return links


def text_parts(title, body, links, attachments_text, attachments) -> list[tuple[str, str, str]]:
    parts = [
        ("title", FIELD_LABELS["title"], title),
        ("body", FIELD_LABELS["body"], body),
        ("links", FIELD_LABELS["links"], "\n".join(links)),
        ("attachments_text", FIELD_LABELS["attachments_text"], attachments_text),
    ]
    parts += [(f"attachment:{a.pk}", f"附件《{a.name}》", a.text) for a in attachments]
    return [p for p in parts if p[2]]


def draft_parts(review) -> list[tuple[str, str, str]]:
    """(field, label, text) of the draft as it is now."""
    attachments = review.attachments.filter(removed=False)
    return text_parts(review.title, review.body, review.links, review.attachments_text, attachments)


def version_parts(version) -> list[tuple[str, str, str]]:
    """(field, label, text) of a submitted version (attachment texts are never changed after upload)."""
    ids = [a["id"] for a in version.attachments]
    by_id = ReviewAttachment.objects.in_bulk(ids)
    attachments = [by_id[i] for i in ids if i in by_id]
    return text_parts(version.title, version.body, version.links, version.attachments_text, attachments)


def review_screen(institution, parts) -> dict:
    """The screening report of `parts`: every hit with its field, term, category, article, offsets (into
    that field's text) and the lexicon version that matched; the lexicon versions screened against."""
    hits = []
    for field, label, text in parts:
        for hit in content_hits(screen_text(institution, text)):
            if field == "links" and hit.rule == "url":
                continue  # the links are addresses by definition; their words are still screened
            hits.append({"field": field, "field_label": label, **hit.as_dict()})
    return {
        "screened_at": timezone.localtime().isoformat(timespec="seconds"),
        "lexicons": dict(Lexicon.objects.of(institution).order_by("name").values_list("name", "version")),
        "hits": hits,
        "blocking": sum(1 for h in hits if h["blocks"]),
    }


def highlight(text: str, hits: list[dict]) -> SafeString:
    """`text` with each hit marked (the `screening-hit` marks of the finding evidence); overlaps keep the first."""
    out, pos = [], 0
    for hit in sorted(hits, key=lambda h: (h["start"], -h["end"])):
        start, end = hit["start"], hit["end"]
        if start < pos or end > len(text) or start >= end:
            continue
        out.append(escape(text[pos:start]))
        tip = f"{hit.get('category_label') or hit['category']}：{hit['term']}（{hit['article']}）"
        if hit.get("correction"):
            tip += f"，应为“{hit['correction']}”"
        css = "screening-hit screening-block" if hit.get("blocks") else "screening-hit"
        out.append(format_html('<mark class="{}" title="{}">{}</mark>', css, tip, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(str(piece) for piece in out))  # every piece is escaped above


def highlighted_parts(parts, hits: list[dict]) -> list[dict]:
    return [
        {
            "field": field,
            "label": label,
            "html": highlight(text, [h for h in hits if h["field"] == field]),
            "hits": [h for h in hits if h["field"] == field],
        }
        for field, label, text in parts
    ]


# ---------------------------------------------------------------- who may do what
def can_write_for(user, account) -> bool:
    """Unit staff write drafts for their unit's accounts, the department for any (`registry.file_account`)."""
    from mediagov.registry.rules import can_file_for_account

    return bool(can_file_for_account(user, account))


def holds_level(user, decision) -> bool:
    return holds_role_at(
        user,
        institution_id=decision.review.institution_id,
        roles=tuple(decision.roles),
        unit=decision.unit if decision.unit_id else None,
    )


def _decided_earlier(user, review) -> ReviewDecision | None:
    return (
        review.current_decisions()
        .filter(reviewer=user)
        .exclude(decision__in=[DecisionKind.PENDING, DecisionKind.SKIPPED])
        .first()
    )


def can_decide(user, review) -> bool:
    """The holder of the current level's role, who is not the author and decided no earlier level."""
    if review.state != ReviewState.IN_REVIEW:
        return False
    return _may_decide_among(user, review, list(review.current_decisions().select_related("unit")))


def _may_decide_among(user, review, decisions) -> bool:
    """`can_decide`, given the review's current-round decisions in level order (read once for many reviews)."""
    if review.state != ReviewState.IN_REVIEW or user.pk == review.author_id:
        return False
    level = next((d for d in decisions if d.decision == DecisionKind.PENDING), None)
    if level is None:
        return False
    done = (DecisionKind.PENDING, DecisionKind.SKIPPED)
    if any(d.reviewer_id == user.pk and d.decision not in done for d in decisions):
        return False  # decided an earlier level of this round
    return holds_level(user, level)


def level_holders(decision) -> list:
    """The users who may decide `decision`'s level (for notifications), except the author and earlier deciders."""
    review = decision.review
    excluded = {review.author_id} | set(
        review.current_decisions().exclude(reviewer=None).values_list("reviewer_id", flat=True)
    )
    memberships = Membership.objects.filter(
        institution_id=review.institution_id, role__in=decision.roles
    ).select_related("user", "unit")
    unit = decision.unit if decision.unit_id else None
    users = {}
    for m in memberships:
        if membership_covers(m, unit) and m.user_id not in excluded:
            users[m.user_id] = m.user
    return list(users.values())


# ---------------------------------------------------------------- drafts
def _check_author(review, user) -> None:
    if user.pk != review.author_id:
        raise DomainPermissionDenied("只有撰稿人可以修改、提交或撤回稿件")


def _check_text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ReviewError("标题不能为空")
    if len(title) > 200:
        raise ReviewError(f"标题不能超过200个字（现有{len(title)}个）")
    if not body:
        raise ReviewError("正文不能为空")
    return title, body


@transaction.atomic
def content_review_create(
    *, account, user, title: str, body: str, links=(), attachments_text: str = "", files=()
) -> ContentReview:
    """Open a draft for `account` (unit staff of the account's unit, or the department), with its attached
    `files` ((name, bytes) pairs): all or nothing."""
    if not can_write_for(user, account):
        raise DomainPermissionDenied(f"您无权为“{account.name}”撰写稿件")
    if account.status not in PUBLISHING_STATUSES:
        raise ReviewError(
            f"“{account.name}”当前状态为“{account.get_status_display()}”，不能发布内容"
            "（备案审批通过后方可发布，关停整改或注销后停止发布）"
        )
    title, body = _check_text(title, body)
    review = ContentReview.objects.create(
        institution=account.institution,
        account=account,
        author=user,
        title=title,
        body=body,
        links=clean_links(links),
        attachments_text=(attachments_text or "").strip(),
    )
    log_action(review, "review.created", user=user, data={"title": title, "account": account.name})
    for name, data in files:
        content_review_attach(review=review, user=user, filename=name, data=data)
    return review


@transaction.atomic
def content_review_update(
    *, review, user, title: str, body: str, links=(), attachments_text: str = "", files=(), remove=()
) -> ContentReview:
    """Edit a draft (or a draft returned for revision), add `files` and remove the attachments `remove`
    (ids); all or nothing. The change is kept by the history; removed attachments are kept, marked."""
    review = ContentReview.objects.select_for_update().get(pk=review.pk)
    _check_author(review, user)
    if not review.is_editable:
        raise ReviewError(f"稿件当前状态为“{review.get_state_display()}”，不能修改")
    review.title, review.body = _check_text(title, body)
    review.links = clean_links(links)
    review.attachments_text = (attachments_text or "").strip()
    review.save()
    log_action(review, "review.updated", user=user, data={"title": review.title})
    for attachment in review.attachments.filter(pk__in=list(remove), removed=False):
        content_review_detach(review=review, user=user, attachment=attachment)
    for name, data in files:
        content_review_attach(review=review, user=user, filename=name, data=data)
    return review


@transaction.atomic
def content_review_attach(*, review, user, filename: str, data: bytes) -> ReviewAttachment:
    """Attach a file; its text is extracted now (.txt, .docx, .xlsx, .pdf) and screened on submission."""
    import hashlib

    from django.core.files.base import ContentFile

    review = ContentReview.objects.select_for_update().get(pk=review.pk)
    _check_author(review, user)
    if not review.is_editable:
        raise ReviewError(f"稿件当前状态为“{review.get_state_display()}”，不能添加附件")
    if review.attachments.filter(removed=False).count() >= MAX_ATTACHMENTS:
        raise ReviewError(f"每篇稿件最多{MAX_ATTACHMENTS}个附件")
    text = attachment_text(data, filename)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    digest = hashlib.sha256(data).hexdigest()
    attachment = ReviewAttachment(
        review=review, name=name, size=len(data), sha256=digest, text=text, uploaded_by=user
    )
    suffix = name.rsplit(".", 1)[-1].lower()
    attachment.file.save(f"{digest[:16]}.{suffix}", ContentFile(data), save=False)
    attachment.save()
    log_action(
        review, "review.attached", user=user, data={"file": name, "sha256": digest, "chars": len(text)}
    )
    return attachment


@transaction.atomic
def content_review_detach(*, review, user, attachment) -> ReviewAttachment:
    """Remove an attachment from the draft; the file and its text are kept (痕迹管理)."""
    review = ContentReview.objects.select_for_update().get(pk=review.pk)
    _check_author(review, user)
    if not review.is_editable or attachment.review_id != review.pk:
        raise ReviewError("只能在草稿或退回修改时移除本稿件的附件")
    attachment.removed = True
    attachment.save(update_fields=["removed"])
    log_action(review, "review.detached", user=user, data={"file": attachment.name})
    return attachment


def _level_rows(review) -> list[ReviewDecision]:
    account = review.account
    pack = review.institution.policy
    supervisor_code = pack.supervisor_code(account.owner_kind)
    supervisor_unit = (
        Unit.objects.filter(institution_id=review.institution_id, code=supervisor_code).first()
        if supervisor_code
        else account.responsible_unit
    )
    rows = []
    for i, spec in enumerate(pack.review_levels_for(account), start=1):
        unit = {"unit": account.responsible_unit, "supervisor": supervisor_unit}.get(spec.at)
        rows.append(
            ReviewDecision(
                review=review,
                round=review.round,
                level=i,
                roles=list(spec.roles),
                unit=unit,
                label=spec.label,
                article=spec.article,
            )
        )
    return rows


@transaction.atomic
def content_review_submit(*, review, user) -> ContentReview:
    """Screen the draft, keep this version with its report, and open a new round of the pack's levels."""
    review = (
        ContentReview.objects.select_for_update().select_related("account", "institution").get(pk=review.pk)
    )
    _check_author(review, user)
    if not review.is_editable:
        raise ReviewError(f"稿件当前状态为“{review.get_state_display()}”，不能提交")
    resubmit = review.state == ReviewState.RETURNED
    attachments = list(review.attachments.filter(removed=False))
    report = review_screen(
        review.institution,
        text_parts(review.title, review.body, review.links, review.attachments_text, attachments),
    )
    review.report = report
    review.submit()
    review.save()
    ReviewVersion.objects.create(
        review=review,
        round=review.round,
        title=review.title,
        body=review.body,
        links=review.links,
        attachments_text=review.attachments_text,
        attachments=[{"id": a.pk, "name": a.name, "sha256": a.sha256} for a in attachments],
        report=report,
        submitted_by=user,
        submitted_at=review.submitted_at,
    )
    rows = _level_rows(review)
    if not rows:
        raise ReviewError("政策包未规定审核环节（screening.review.levels）")
    ReviewDecision.objects.bulk_create(rows)
    log_action(
        review,
        "review.resubmitted" if resubmit else "review.submitted",
        user=user,
        data={"round": review.round, "hits": len(report["hits"]), "blocking": report["blocking"]},
    )
    _notify_level(review)
    return review


def _blocking_message(review) -> str:
    blocking = review.blocking_hits
    terms = "、".join(dict.fromkeys(f"“{h['text']}”（{h['category_label']}）" for h in blocking))
    return (
        f"筛查发现{len(blocking)}处阻止发布的内容：{terms}。"
        "同意发布须勾选“确认放行”并填写放行理由，由您对放行负责"
    )


@transaction.atomic
def content_review_decide(
    *,
    review,
    user,
    decision: str,
    comment: str = "",
    override: bool = False,
    override_reason: str = "",
) -> ContentReview:
    """Record the current level's decision: approve (the next level, or approved when it was the last),
    return to the author, or reject. Exactly one of two concurrent decisions on a level wins."""
    if decision not in (DecisionKind.APPROVED, DecisionKind.RETURNED, DecisionKind.REJECTED):
        raise ReviewError("无效的审核结论，应为同意发布、退回修改或不予发布")
    review = ContentReview.objects.select_for_update().select_related("institution").get(pk=review.pk)
    pack = review.institution.policy
    if user.pk == review.author_id:
        raise DomainPermissionDenied(
            "不能审核本人撰写的稿件", article=pack.cite(pack.review.get("article", ""))
        )
    if review.state != ReviewState.IN_REVIEW:
        raise ReviewError(f"稿件当前状态为“{review.get_state_display()}”，不能审核")
    level = review.current_level()
    if not holds_level(user, level):
        later = review.current_decisions().filter(level__gt=level.level, decision=DecisionKind.PENDING)
        mine = next((d for d in later if holds_level(user, d)), None)
        if mine is not None:
            raise ReviewError(f"须按顺序审核：当前为“{level.label}”，尚未轮到“{mine.label}”")
        raise DomainPermissionDenied(f"您不是“{level.label}”的审核人", article=pack.cite(level.article))
    earlier = _decided_earlier(user, review)
    if earlier is not None:
        raise DomainPermissionDenied(f"同一稿件的各审级须由不同的人审核，您已在“{earlier.label}”中审核")
    comment, override_reason = (comment or "").strip(), (override_reason or "").strip()
    if decision != DecisionKind.APPROVED and not comment:
        raise ReviewError("退回修改或不予发布时须填写审核意见")
    blocking = review.blocking_hits
    if decision == DecisionKind.APPROVED and blocking and not (override and override_reason):
        raise ReviewError(_blocking_message(review), article=blocking[0]["article"])
    override = bool(override and blocking and decision == DecisionKind.APPROVED)
    now = timezone.now()
    claimed = ReviewDecision.objects.filter(pk=level.pk, decision=DecisionKind.PENDING).update(
        decision=decision,
        comment=comment,
        override=override,
        override_reason=override_reason if override else "",
        reviewer=user,
        decided_at=now,
    )
    if claimed != 1:
        raise ReviewError("该审级已经处理，请刷新页面")
    data = {"level": level.label, "round": review.round, "comment": comment}
    if override:
        data.update(override=True, override_reason=override_reason, blocking=len(blocking))
    if decision == DecisionKind.APPROVED:
        log_action(review, "review.level_approved", user=user, data=data)
        if review.current_level() is None:
            review.approve()
            review.save()
            log_action(review, "review.approved", user=user, data=data)
            _notify_author(review, f"已通过全部{level.level}级审核，可以发布", comment)
        else:
            _notify_level(review)
            _notify_author(review, f"“{level.label}”已同意，进入下一级审核", comment)
        return review
    review.current_decisions().filter(decision=DecisionKind.PENDING).update(decision=DecisionKind.SKIPPED)
    if decision == DecisionKind.RETURNED:
        review.return_to_author()
        review.save()
        log_action(review, "review.returned", user=user, data=data)
        _notify_author(review, f"被“{level.label}”退回修改", comment)
    else:
        review.reject()
        review.save()
        log_action(review, "review.rejected", user=user, data=data)
        _notify_author(review, f"经“{level.label}”审核不予发布", comment)
    return review


@transaction.atomic
def content_review_withdraw(*, review, user) -> ContentReview:
    review = ContentReview.objects.select_for_update().get(pk=review.pk)
    _check_author(review, user)
    if review.state not in (ReviewState.DRAFT, ReviewState.IN_REVIEW, ReviewState.RETURNED):
        raise ReviewError(f"稿件当前状态为“{review.get_state_display()}”，不能撤回")
    review.withdraw()
    review.save()
    review.current_decisions().filter(decision=DecisionKind.PENDING).update(decision=DecisionKind.SKIPPED)
    log_action(review, "review.withdrawn", user=user)
    return review


# ---------------------------------------------------------------- reads
def reviews_to_decide(user, queryset=None):
    """Reviews in review whose current level `user` may decide now (the to-review list, the API's `?todo=true`
    and the dashboard): `can_decide` for each, with the current rounds' levels read in one query."""
    queryset = ContentReview.objects.visible_to(user) if queryset is None else queryset
    in_review = queryset.filter(state=ReviewState.IN_REVIEW).exclude(author=user)
    fields = ("pk", "state", "author_id", "institution_id", "round")
    candidates = {r.pk: r for r in in_review.select_related(None).only(*fields)}
    by_review: dict[int, list[ReviewDecision]] = {pk: [] for pk in candidates}
    current = (
        ReviewDecision.objects.filter(review__in=in_review.values("pk"), round=F("review__round"))
        .select_related("unit")
        .order_by("review_id", "level")
    )
    for decision in current:
        decision.review = candidates[decision.review_id]
        by_review[decision.review_id].append(decision)
    ids = [pk for pk, review in candidates.items() if _may_decide_among(user, review, by_review[pk])]
    return queryset.filter(pk__in=ids)


# ---------------------------------------------------------------- notifications
def _link(pk: int) -> str:
    try:
        return reverse("screening:review_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _notify_level(review) -> int:
    from mediagov.notifications.services import notify

    level = review.current_level()
    if level is None:
        return 0
    account = review.account
    lines = [
        f"帐号：{account.name}（责任单位：{account.responsible_unit.name}）",
        f"稿件：《{review.title}》（第{review.round}轮提交）",
        f"审级：第{level.level}级 {level.label}（依据{review.institution.policy.cite(level.article)}）",
    ]
    if review.blocking_hits:
        lines.append(f"自动筛查：{len(review.blocking_hits)}处阻止发布的命中，同意须确认放行并说明理由")
    elif review.hits:
        lines.append(f"自动筛查：{len(review.hits)}处提示")
    lines.append("请登录新媒体备案与监管平台审核。")
    return notify(
        institution=review.institution,
        recipients=level_holders(level),
        key=f"review:{review.pk}:r{review.round}:l{level.level}",
        stage="review",
        title=f"【先审后发】待您审核：《{review.title}》"[:200],
        body="\n".join(lines),
        link=_link(review.pk),
        unit=account.responsible_unit,
    )


def _notify_author(review, what: str, comment: str) -> int:
    from mediagov.notifications.services import notify

    author = get_user_model().objects.filter(pk=review.author_id).first()
    body = f"您为“{review.account.name}”撰写的《{review.title}》{what}。"
    if comment:
        body += f"\n审核意见：{comment}"
    decided = review.current_decisions().exclude(decision=DecisionKind.PENDING).count()
    return notify(
        institution=review.institution,
        recipients=[author],
        key=f"review:{review.pk}:r{review.round}:d{decided}:{review.state}",
        stage="review",
        title=f"【先审后发】《{review.title}》{what}"[:200],
        body=body,
        link=_link(review.pk),
        channels=["inapp", "email"],
    )
