"""Reminders, escalations and sending: who is told what, when, and on which channel.

- `notify` records one in-app notification per recipient and queues the outside deliveries (e-mail, group
  robots) the institution's pack enables. Both are unique by key: calling it twice changes nothing.
- `reminders_run` looks at every active finding and open filing with a due date and, per audience, notifies
  the latest reminder stage that has come (see docs/notifications.md).
- `delivery_send_due` sends queued deliveries, each on its own, retrying failures with back-off.
"""

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mediagov.compliance.models import ACTIVE_STATES, Finding
from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError, PermissionDenied
from mediagov.core.scoping import is_department
from mediagov.org.models import Membership, Person, Role
from mediagov.registry.models import Filing, FilingState
from mediagov.workdays.services import CalendarDataMissing, due_date, working_days_between

from . import channels
from .models import Channel, Delivery, DeliveryState, Notification, Webhook

log = logging.getLogger(__name__)

OUTSIDE_CHANNELS = (Channel.EMAIL, Channel.WECOM, Channel.DINGTALK)
# A failed delivery is tried again after 1, 2, 4, 8, 16 minutes; the 6th failure is final.
MAX_ATTEMPTS = 6
RESPONSIBLE, UNIT_HEAD, PROPAGANDA = "responsible", Role.UNIT_HEAD.value, Role.PROPAGANDA.value
UNIT_LABELS = {"working_days": "个工作日", "calendar_days": "天", "weeks": "周"}


class NotificationError(DomainError):
    pass


def _cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# ---------------------------------------------------------------- notify


def notify(
    *,
    institution,
    recipients,
    key: str,
    stage: str,
    title: str,
    body: str,
    link: str = "",
    finding=None,
    filing=None,
    channels: list[str] | None = None,
    unit=None,
) -> int:
    """Notify `recipients` (users) once per `key`; return how many new in-app notifications were created.

    Every recipient gets an in-app notification (the record of who was told). The outside channels are
    those of the pack's `reminders.channels` (narrowed to `channels` when given): an e-mail to each newly
    notified recipient with an address, and one message to every enabled group robot of the institution
    whose unit is empty or is `unit` or one of its ancestors (only institution-wide robots when `unit` is
    None). A (recipient, key) pair is notified once and a (channel, target, key) delivery is queued once,
    however often this runs and even when two workers run it at the same time.
    """
    created, _ = _notify(
        institution=institution,
        recipients=recipients,
        key=key,
        stage=stage,
        title=title,
        body=body,
        link=link,
        finding=finding,
        filing=filing,
        channels=channels,
        unit=unit,
    )
    return created


@transaction.atomic
def _notify(*, institution, recipients, key, stage, title, body, link, finding, filing, channels, unit):
    title = title[:200]
    users = _unique_users(recipients)
    new_users = []
    for user in users:
        # get_or_create works in a savepoint and reads the row another worker won the race for.
        _, created = Notification.objects.get_or_create(
            recipient=user,
            key=key,
            defaults={
                "institution": institution,
                "stage": stage,
                "title": title,
                "body": body,
                "link": link,
                "finding": finding,
                "filing": filing,
            },
        )
        if created:
            new_users.append(user)

    enabled = set(institution.policy.reminders.get("channels") or [])
    if channels is not None:
        enabled &= set(channels)
    now = timezone.now()
    outside_body = _with_link(body, link)
    deliveries = []

    def queue(channel, target, webhook=None):
        deliveries.append(
            Delivery(
                institution=institution,
                channel=channel,
                target=target[:200],
                webhook=webhook,
                key=key,
                title=title,
                body=outside_body,
                next_attempt_at=now,
            )
        )

    if Channel.EMAIL in enabled:
        for user in new_users:
            address = email_of(user)
            if address:
                queue(Channel.EMAIL, address)
    # A group robot is told when someone was newly told, or when nobody could be (then the robot is the only
    # channel left). Delivery uniqueness keeps it to one message per key either way.
    if new_users or not users:
        for webhook in webhooks_for(institution, unit):
            if webhook.channel in enabled:
                queue(webhook.channel, f"webhook:{webhook.pk}", webhook)
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(new_users), len(deliveries)


def _unique_users(recipients) -> list:
    seen, users = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def email_of(user) -> str:
    """The user's e-mail address, else that of their roster entry (Person), else ''."""
    if user.email:
        return user.email
    try:
        return user.person.email or ""
    except ObjectDoesNotExist:
        return ""


def webhooks_for(institution, unit=None):
    """Enabled robots of `institution` for `unit`: institution-wide ones and those of `unit`'s ancestors."""
    scope = Q(unit__isnull=True)
    if unit is not None:
        scope |= Q(unit_id__in=_path_ids(unit))
    return Webhook.objects.enabled().filter(scope, institution=institution).order_by("pk")


def _path_ids(unit) -> list[int]:
    """The ids of `unit` and its ancestors, root first (from the materialised path, no query)."""
    return [int(x) for x in unit.path.strip("/").split("/") if x]


def _with_link(body: str, link: str) -> str:
    base = getattr(settings, "MEDIAGOV_BASE_URL", "").rstrip("/")
    if base and link:
        return f"{body}\n查看详情：{base}{link}"
    return body


# ---------------------------------------------------------------- reminder stages


@dataclass(frozen=True)
class Stage:
    name: str  # before-3, due, after-1, escalate-unit_head
    audience: str  # responsible | unit_head | propaganda
    on: date
    order: int  # later in the pack's sequence wins a tie on the same date


def reminder_stages(due: date, conf: dict) -> tuple[list[Stage], list[tuple[str, int]]]:
    """The stages of a deadline `due` under the pack's `reminders`, and the (stage, year) it cannot date.

    A stage whose date would need a year without calendar data is left out, never guessed.
    """
    unit = conf.get("unit") or "working_days"
    specs: list[tuple[str, str, int, str]] = []  # (name, audience, amount, direction)
    for n in sorted(set(conf.get("before") or []), reverse=True):
        specs.append((f"before-{n}", RESPONSIBLE, n, "before"))
    if conf.get("on_due_day", True):
        specs.append(("due", RESPONSIBLE, 0, "after"))
    for n in sorted(set(conf.get("after") or [])):
        specs.append((f"after-{n}", RESPONSIBLE, n, "after"))
    seen_to: set[str] = set()
    for esc in sorted(conf.get("escalate") or [], key=lambda e: e["after"]):
        to = esc["to"]
        name = f"escalate-{to}" if to not in seen_to else f"escalate-{to}-{esc['after']}"
        seen_to.add(to)
        specs.append((name, to, int(esc["after"]), "after"))
    stages, missing = [], []
    for order, (name, audience, amount, direction) in enumerate(specs):
        try:
            on = due if amount == 0 else due_date(due, amount, unit, direction)
        except CalendarDataMissing as exc:
            missing.append((name, exc.year))
            continue
        stages.append(Stage(name, audience, on, order))
    return stages, missing


def latest_stages(stages: list[Stage], today: date) -> dict[str, Stage]:
    """Per audience, the latest stage whose date has come: after downtime nobody gets the stale ones."""
    latest: dict[str, Stage] = {}
    for stage in stages:
        if stage.on > today:
            continue
        current = latest.get(stage.audience)
        if current is None or (stage.on, stage.order) > (current.on, current.order):
            latest[stage.audience] = stage
    return latest


def _timing(today: date, due: date, unit: str) -> str:
    """How far the deadline is from today, in the pack's unit ('' when the calendar cannot tell)."""
    if today == due:
        return "今天到期"
    try:
        if unit == "working_days":
            n = working_days_between(today, due)
        elif unit == "weeks":
            n = (due - today).days // 7 if due > today else -((today - due).days // 7)
        else:
            n = (due - today).days
    except CalendarDataMissing:
        return ""
    label = UNIT_LABELS.get(unit, "天")
    if n > 0:
        return f"还有{n}{label}"
    if n < 0:
        return f"已逾期{-n}{label}"
    return "即将到期" if due > today else "已超过期限"


# ---------------------------------------------------------------- audiences


class _Audiences:
    """The users each audience names, for one institution; memberships are read once per run."""

    def __init__(self, institution):
        self.by_role_unit: dict[tuple[str, int | None], list] = {}
        memberships = (
            Membership.objects.filter(
                institution=institution,
                role__in=[Role.RESPONSIBLE, Role.OPERATOR, Role.UNIT_HEAD, Role.PROPAGANDA],
                user__is_active=True,
            )
            .select_related("user")
            .order_by("user_id", "id")
        )
        for m in memberships:
            self.by_role_unit.setdefault((m.role, m.unit_id), []).append(m.user)

    def responsible(self, account, extra=None) -> list:
        users = []
        if account.direct_responsible_id and account.direct_responsible.user_id:
            users.append(account.direct_responsible.user)
        for unit_id in _path_ids(account.responsible_unit):
            for role in (Role.RESPONSIBLE, Role.OPERATOR):
                users.extend(self.by_role_unit.get((role, unit_id), []))
        if extra is not None:
            users.append(extra)
        return _unique_users(users)

    def unit_head(self, account) -> list:
        for unit_id in reversed(_path_ids(account.responsible_unit)):
            holders = self.by_role_unit.get((Role.UNIT_HEAD, unit_id))
            if holders:
                return _unique_users(holders)
        return []

    def propaganda(self) -> list:
        return _unique_users(self.by_role_unit.get((Role.PROPAGANDA, None), []))


# ---------------------------------------------------------------- reminders_run


@dataclass
class ReminderResult:
    objects: int = 0  # findings and filings with a due date that were looked at
    notifications: int = 0  # new in-app notifications
    deliveries: int = 0  # outside deliveries offered to the queue (duplicates are ignored there)
    skipped: list[str] = field(default_factory=list)  # stages that could not be dated

    def as_dict(self) -> dict:
        return {
            "objects": self.objects,
            "notifications": self.notifications,
            "deliveries": self.deliveries,
            "skipped": list(self.skipped),
        }


@dataclass(frozen=True)
class _Subject:
    """What a reminder is about, said the same way for findings and filings."""

    kind: str  # finding | filing
    obj: object
    account: object
    due: date
    link: str
    lines: list[str]  # what it is, its citation, what to do
    headline: str
    extra_recipient: object = None


def reminders_run(*, institution, today: date) -> ReminderResult:
    """Send the reminders and escalations due on `today` for `institution`; idempotent (run it any time)."""
    conf = institution.policy.reminders
    audiences = _Audiences(institution)
    result = ReminderResult()
    for subject in _subjects(institution):
        result.objects += 1
        stages, missing = reminder_stages(subject.due, conf)
        for name, year in missing:
            result.skipped.append(
                f"{_describe(subject)} 的“{name}”提醒：{year}年的节假日安排尚未导入，未计算提醒日期"
            )
        for audience, stage in latest_stages(stages, today).items():
            if subject.account is None:  # an unregistered account (name watch): the department answers it
                recipients = audiences.propaganda()
                unit = None
            elif audience == RESPONSIBLE:
                recipients = audiences.responsible(subject.account, subject.extra_recipient)
                unit = subject.account.responsible_unit
            elif audience == UNIT_HEAD:
                recipients = audiences.unit_head(subject.account)
                unit = subject.account.responsible_unit
            else:
                recipients = audiences.propaganda()
                unit = None
            title, body = _message(institution, subject, stage, today, conf)
            created, queued = _notify(
                institution=institution,
                recipients=recipients,
                key=f"{subject.kind}:{subject.obj.pk}:{stage.name}:{subject.due.isoformat()}",
                stage=stage.name,
                title=title,
                body=body,
                link=subject.link,
                finding=subject.obj if subject.kind == "finding" else None,
                filing=subject.obj if subject.kind == "filing" else None,
                channels=None,
                unit=unit,
            )
            result.notifications += created
            result.deliveries += queued
    if result.skipped:
        log.warning(
            "reminders for %s: %d stages skipped (calendar data missing)", institution, len(result.skipped)
        )
    return result


def _subjects(institution):
    pack = institution.policy
    findings = (
        Finding.objects.filter(institution=institution, state__in=ACTIVE_STATES, due_date__isnull=False)
        .select_related("account__responsible_unit", "account__direct_responsible__user")
        .order_by("pk")
    )
    for f in findings:
        yield _Subject(
            kind="finding",
            obj=f,
            account=f.account,
            due=f.due_date,
            link=_link("compliance:finding_detail", f.pk),
            headline=f.title,
            lines=[
                f"问题：{f.title}",
                f"依据：{f.citation}",
                f"当前状态：{f.get_state_display()}",
                f"整改要求：{_finding_todo(f)}",
            ],
        )
    filings = (
        Filing.objects.open()
        .filter(institution=institution, due_date__isnull=False)
        .select_related("account__responsible_unit", "account__direct_responsible__user", "created_by")
        .order_by("pk")
    )
    for f in filings:
        rule = pack.deadline(f.kind)
        basis = f.due_rule or (pack.cite(rule.article) if rule else pack.cite(""))
        yield _Subject(
            kind="filing",
            obj=f,
            account=f.account,
            due=f.due_date,
            link=_link("registry:filing_detail", f.pk),
            headline=f.get_kind_display(),
            lines=[
                f"事项：{f.get_kind_display()}（当前状态：{f.get_state_display()}）",
                f"依据：{basis}",
                f"应办事项：{FILING_TODO.get(f.state, '请尽快办理')}",
            ],
            extra_recipient=f.created_by,
        )


FILING_TODO = {
    FilingState.DRAFT: "请尽快填写完整并提交备案",
    FilingState.RETURNED: "请按退回意见修改后重新提交备案",
    FilingState.SUBMITTED: "备案正在审批中，请跟进审批进度，按要求补充材料",
}


def _finding_todo(finding) -> str:
    if finding.state == "rectified":
        return "整改情况已提交，请党委宣传部尽快核验"
    return finding.action or "请按要求整改并在平台提交整改情况"


def _link(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _describe(subject: _Subject) -> str:
    what = "问题" if subject.kind == "finding" else "备案"
    return f"{what}#{subject.obj.pk}（{subject.account.name if subject.account else subject.obj.subject}）"


def _message(institution, subject: _Subject, stage: Stage, today: date, conf: dict) -> tuple[str, str]:
    unit = conf.get("unit") or "working_days"
    timing = _timing(today, subject.due, unit)
    deadline = "整改期限" if subject.kind == "finding" else "截止日期"
    if stage.audience == RESPONSIBLE:
        label = {"before": "即将到期", "due": "今日到期", "after": "已逾期"}[stage.name.split("-")[0]]
    else:
        label = "逾期督办"
    account = subject.account
    title = f"【{label}】{account.name}：{subject.headline}" if account else f"【{label}】{subject.headline}"
    lines = [
        _account_line(subject.obj)
        if subject.kind == "finding"
        else f"帐号：{account}（责任单位：{account.responsible_unit.name}）",
        *subject.lines,
        f"{deadline}：{_cn(subject.due)}" + (f"（{timing}）" if timing else ""),
    ]
    if stage.audience == UNIT_HEAD:
        lines.append("该事项已超过期限，请单位负责人督促直接责任人和管理员尽快办理。")
    elif stage.audience == PROPAGANDA:
        lines.append("该事项已超过期限且单位督办后仍未办结，请党委宣传部督办。")
    article = conf.get("article")
    if article:
        lines.append(f"提醒依据：{institution.policy.cite(article)}")
    lines.append("请登录新媒体备案与监管平台查看并办理。")
    return title, "\n".join(lines)


# ---------------------------------------------------------------- events other apps report


def _named_users(entries) -> list:
    """The users of the people a finding or sanction names ([{"person_id": …}, …])."""
    ids = [e.get("person_id") for e in entries or [] if isinstance(e, dict) and e.get("person_id")]
    people = Person.objects.filter(pk__in=ids, user__isnull=False).select_related("user").order_by("pk")
    return [p.user for p in people]


def findings_opened_notify(findings, *, propaganda: bool = False) -> int:
    """A scan opened `findings`: `finding_opened_notify` for each, the audiences read once per institution."""
    audiences: dict[int, _Audiences] = {}
    sent = 0
    for finding in findings:
        if finding.institution_id not in audiences:
            audiences[finding.institution_id] = _Audiences(finding.institution)
        sent += finding_opened_notify(
            finding, audiences=audiences[finding.institution_id], propaganda=propaganda
        )
    return sent


def finding_opened_notify(finding, *, audiences=None, propaganda: bool = False) -> int:
    """A scan opened `finding`: tell the responsible people and the people it names, once; with
    `propaganda` (a screened post) the propaganda department too."""
    account = finding.account
    audiences = audiences or _Audiences(finding.institution)
    if account is None:  # an unregistered account found by the name watch: the department's alone
        recipients = audiences.propaganda()
    else:
        recipients = audiences.responsible(account) + _named_users(finding.responsible)
    if propaganda and account is not None:
        recipients += audiences.propaganda()
    if finding.due_date:
        due = f"整改期限：{_cn(finding.due_date)}" + (f"（{finding.due_rule}）" if finding.due_rule else "")
    else:
        due = f"整改期限：{finding.due_error or '未设定'}"
    body = "\n".join(
        [
            _account_line(finding),
            f"问题：{finding.title}（{finding.get_severity_display()}）",
            f"依据：{finding.citation}",
            f"说明：{finding.message}",
            f"整改要求：{finding.action}",
            due,
            "请登录新媒体备案与监管平台确认问题并按期整改。",
        ]
    )
    return notify(
        institution=finding.institution,
        recipients=recipients,
        key=f"finding:{finding.pk}:opened",
        stage="opened",
        title=f"【发现问题】{account.name}：{finding.title}" if account else f"【发现问题】{finding.title}",
        body=body,
        link=_link("compliance:finding_detail", finding.pk),
        finding=finding,
        unit=account.responsible_unit if account else None,
    )


def _account_line(finding) -> str:
    account = finding.account
    if account is None:
        return f"帐号：{finding.subject}（未备案帐号，名称监测发现，由党委宣传部处理）"
    return f"帐号：{account}（责任单位：{account.responsible_unit.name}）"


def sanction_issued_notify(sanction) -> int:
    """党委宣传部 issued `sanction`: tell the responsible people, the unit head and the accountable, once."""
    account = sanction.account
    audiences = _Audiences(sanction.institution)
    recipients = (
        audiences.responsible(account) + audiences.unit_head(account) + _named_users(sanction.accountable)
    )
    lines = [
        f"帐号：{account}（责任单位：{account.responsible_unit.name}）",
        f"处理措施：{sanction.get_level_display()}",
        f"依据：{sanction.citation}",
        f"处理理由：{sanction.reason}",
    ]
    if sanction.deadline:
        lines.append(f"整改期限：{_cn(sanction.deadline)}")
    lines.append("请登录新媒体备案与监管平台查看处理决定并按要求整改。")
    return notify(
        institution=sanction.institution,
        recipients=recipients,
        key=f"sanction:{sanction.pk}:issued",
        stage="sanction",
        title=f"【处理决定】{account.name}：{sanction.get_level_display()}",
        body="\n".join(lines),
        link=_link("compliance:sanction_detail", sanction.pk),
        unit=account.responsible_unit,
    )


# ---------------------------------------------------------------- sending


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # failed for good
    skipped: int = 0  # taken by another worker, or changed since it was listed

    def as_dict(self) -> dict:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed, "skipped": self.skipped}


class _Permanent(channels.ChannelError):
    """A failure that retrying cannot fix (the robot was disabled)."""


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4, 8, 16 … minutes."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def delivery_send_due(*, now: datetime | None = None, limit: int = 200) -> SendResult:
    """Send up to `limit` pending deliveries whose time has come, each on its own.

    A failing channel never holds up the others: each delivery is sent in its own try/except. On PostgreSQL
    each row is locked (`SELECT … FOR UPDATE SKIP LOCKED`) while it is sent, so two workers never send the
    same delivery; a row another worker holds is skipped.
    """
    now = now or timezone.now()
    result = SendResult()
    due = Delivery.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)
    for pk in list(due[:limit]):
        try:
            outcome = _delivery_send_one(pk, now)
        except Exception:  # a database error on one row: leave it for the next run, go on with the others
            log.exception("delivery %s could not be processed", pk)
            outcome = "skipped"
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _delivery_send_one(pk: int, now: datetime) -> str:
    lock = connection.features.has_select_for_update_skip_locked
    # SQLite has no row locks; a transaction there would only hold the whole database during the send.
    with transaction.atomic() if lock else nullcontext():
        qs = Delivery.objects.due(now).filter(pk=pk)
        if lock:
            qs = qs.select_for_update(skip_locked=True)
        delivery = qs.first()
        if delivery is None:
            return "skipped"
        delivery.attempts += 1
        try:
            _send(delivery)
        except Exception as exc:  # any failure of one delivery is recorded on it, never raised
            if not isinstance(exc, channels.ChannelError):
                log.exception("delivery %s failed", pk)
            delivery.last_error = (str(exc) or type(exc).__name__)[:2000]
            if isinstance(exc, _Permanent) or delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = DeliveryState.FAILED
                outcome = "failed"
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                outcome = "retrying"
        else:
            delivery.state = DeliveryState.SENT
            delivery.sent_at = timezone.now()
            outcome = "sent"
        delivery.save(update_fields=["attempts", "last_error", "state", "next_attempt_at", "sent_at"])
        return outcome


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        channels.email_send(delivery.target, delivery.title, delivery.body)
        return
    webhook = Webhook.objects.filter(pk=delivery.webhook_id).first()  # read now: URL and secret may change
    if webhook is None:
        raise _Permanent("群机器人已删除，未发送")
    if not webhook.enabled:
        raise _Permanent("群机器人已停用，未发送")
    _webhook_post(webhook, delivery.title, delivery.body)


def _webhook_post(webhook: Webhook, title: str, body: str) -> None:
    if webhook.channel == Channel.WECOM:
        channels.wecom_send(webhook.url, title, body)
    elif webhook.channel == Channel.DINGTALK:
        channels.dingtalk_send(webhook.url, webhook.secret, title, body)
    else:
        raise _Permanent(f"未知的渠道：{webhook.channel}")


# ---------------------------------------------------------------- robots, deliveries and the inbox


def _department_only(user, institution) -> None:
    if not is_department(user, institution):
        raise PermissionDenied("只有党委宣传部可以管理群机器人和外部推送")


WEBHOOK_FIELDS = ("name", "channel", "unit", "enabled")


@transaction.atomic
def webhook_save(
    *,
    institution,
    user,
    webhook: Webhook | None = None,
    name: str,
    channel: str,
    unit=None,
    enabled: bool = True,
    url: str = "",
    secret: str = "",
    clear_secret: bool = False,
) -> Webhook:
    """Create or change a group robot. An empty `url` or `secret` keeps the saved one (they are write-only)."""
    _department_only(user, institution)
    if unit is not None and unit.institution_id != institution.pk:
        raise NotificationError("所选单位不属于本校")
    creating = webhook is None
    if creating:
        if not url:
            raise NotificationError("请填写 Webhook 地址")
        webhook = Webhook(institution=institution)
    elif webhook.institution_id != institution.pk:
        raise PermissionDenied("该群机器人不属于本校")
    before = {f: getattr(webhook, f) for f in WEBHOOK_FIELDS}
    webhook.name, webhook.channel, webhook.unit, webhook.enabled = name, channel, unit, enabled
    url_changed = bool(url) and url != webhook.url
    secret_changed = (bool(secret) and secret != webhook.secret) or (clear_secret and bool(webhook.secret))
    if url:
        webhook.url = url
    if secret:
        webhook.secret = secret
    elif clear_secret:
        webhook.secret = ""
    webhook.save()
    changed = [f for f in WEBHOOK_FIELDS if before[f] != getattr(webhook, f)]
    data = {
        "name": webhook.name,
        "channel": webhook.channel,
        "unit": webhook.unit.name if webhook.unit_id else "全校",
        "enabled": webhook.enabled,
        "url_changed": url_changed,
        "secret_changed": secret_changed,
    }
    if not creating:
        data["changed"] = changed
    log_action(webhook, "webhook.created" if creating else "webhook.updated", user=user, data=data)
    return webhook


def webhook_test(*, webhook: Webhook, user) -> tuple[bool, str]:
    """Send a test message through `webhook` now; (ok, what happened in Chinese). Recorded in the audit."""
    _department_only(user, webhook.institution)
    title = "【测试】新媒体备案与监管平台群机器人"
    body = (
        f"这是一条测试消息，由{user.get_full_name() or user.get_username()}于"
        f"{timezone.localtime():%Y-%m-%d %H:%M}发送。收到本消息说明“{webhook.name}”配置正确。"
    )
    try:
        _webhook_post(webhook, title, body)
    except channels.ChannelError as exc:
        ok, message = False, f"测试消息发送失败：{exc}"
    else:
        ok, message = True, "测试消息已发送，请在群中查看"
    log_action(webhook, "webhook.tested", user=user, data={"ok": ok, "result": message})
    return ok, message


def delivery_retry(*, delivery: Delivery, user) -> Delivery:
    """Make a failed delivery pending again, with a fresh set of attempts."""
    _department_only(user, delivery.institution)
    updated = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if not updated:
        raise NotificationError("只有发送失败的推送可以重试")
    delivery.refresh_from_db()
    log_action(
        delivery,
        "delivery.retried",
        user=user,
        data={"channel": delivery.channel, "target": delivery_target_label(delivery), "key": delivery.key},
    )
    return delivery


def delivery_target_label(delivery: Delivery) -> str:
    """Who a delivery goes to, fit to show: the address, or the robot's name (never its URL)."""
    if delivery.channel == Channel.EMAIL:
        return delivery.target
    if delivery.webhook_id and delivery.webhook is not None:
        return delivery.webhook.name
    return "（已删除的群机器人）"


def notification_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark `notification` (or, when None, every unread notification of `user`) read; return how many."""
    qs = Notification.objects.unread().filter(recipient=user)
    if notification is not None:
        if notification.recipient_id != user.pk:
            raise PermissionDenied("只能标记自己的通知")
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.unread().filter(recipient=user).count()
