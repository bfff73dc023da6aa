"""Registry services: accounts, filings and their approval chain. Views, the CLI and the API call these."""

import copy
from datetime import date

from django.db import transaction
from django.utils import timezone

from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError
from mediagov.core.errors import PermissionDenied as DomainPermissionDenied
from mediagov.core.scoping import holds_step
from mediagov.org.models import INSTITUTION_WIDE_ROLES, Person, Role, Unit
from mediagov.policy.pack import StepSpec

from .checks import filing_checks
from .models import (
    AccountManager,
    AccountStatus,
    ApprovalStep,
    Filing,
    FilingKind,
    FilingState,
    MediaAccount,
    StepDecision,
)


class FilingError(DomainError):
    pass


# Fields a change filing may change, in the order the forms show them.
CHANGEABLE_FIELDS = [
    "name",
    "owner",
    "owner_kind",
    "responsible_unit",
    "wechat_type",
    "platform_id",
    "url",
    "created_on",
    "planned_open_on",
    "verified",
    "positioning_function",
    "positioning_content",
    "positioning_audience",
    "first_responsible",
    "direct_responsible",
    "guiding_teacher",
    "is_main",
    "app_category",
    "online_payment",
    "payment_approved_by",
    "data_integration",
    "data_integration_approval",
    "foreign_related",
    "maintenance",
]
FK_FIELDS = {
    "responsible_unit": Unit,
    "first_responsible": Person,
    "direct_responsible": Person,
    "guiding_teacher": Person,
}


# ---------------------------------------------------------------- values and diffs
def _field_value(account, field: str):
    if field in FK_FIELDS:
        return getattr(account, f"{field}_id")
    value = getattr(account, field)
    return value.isoformat() if isinstance(value, date) else value


def account_field_display(field: str, value) -> str:
    """A field value as the regulation's forms print it: labels for choices, 是/否, names for people and units."""
    if value in (None, ""):
        return "（空）"
    if field in FK_FIELDS and not hasattr(value, "pk"):
        obj = FK_FIELDS[field].objects.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    model_field = MediaAccount._meta.get_field(field)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, str(value))
    return str(value)


def _manager_rows(managers) -> list[dict]:
    return [
        {
            "role": m.role if hasattr(m, "role") else m["role"],
            "name": m.name if hasattr(m, "name") else m["name"],
            "person": (m.person_id if hasattr(m, "person_id") else m.get("person")) or None,
            "title": (m.title if hasattr(m, "title") else m.get("title", "")) or "",
            "phone": (m.phone if hasattr(m, "phone") else m.get("phone", "")) or "",
            "email": (m.email if hasattr(m, "email") else m.get("email", "")) or "",
        }
        for m in managers
    ]


def _managers_text(rows: list[dict]) -> str:
    labels = {"leader": "负责人", "admin": "管理员"}
    return (
        "；".join(f"{labels.get(r['role'], r['role'])}{r['name']} {r['phone']}".strip() for r in rows)
        or "（空）"
    )


def account_diff(account, proposed: dict) -> list[dict]:
    """Field-level diff between the account and a change proposal: [{field, label, old, new}]."""
    diff = []
    for field in CHANGEABLE_FIELDS:
        if field not in proposed:
            continue
        old, new = _field_value(account, field), proposed[field]
        if (old or None) == (new or None) and not (isinstance(old, bool) and old != new):
            continue
        label = str(MediaAccount._meta.get_field(field).verbose_name)
        diff.append(
            {
                "field": field,
                "label": label,
                "old": account_field_display(field, old),
                "new": account_field_display(field, new),
            }
        )
    if "managers" in proposed:
        old_rows = _manager_rows(account.managers.all())
        if old_rows != proposed["managers"]:
            diff.append(
                {
                    "field": "managers",
                    "label": "管理队伍",
                    "old": _managers_text(old_rows),
                    "new": _managers_text(proposed["managers"]),
                }
            )
    return diff


def filing_effective_account(filing) -> tuple[MediaAccount, list]:
    """The account and team as the filing would leave them (in memory, nothing saved)."""
    account = filing.account
    managers = list(account.managers.select_related("person"))
    if filing.kind != FilingKind.CHANGE or not filing.proposed:
        return account, managers
    shadow = copy.copy(account)
    shadow._state = copy.copy(account._state)
    shadow._state.fields_cache = {}
    for field, value in filing.proposed.items():
        if field in FK_FIELDS:
            setattr(shadow, f"{field}_id", value)
        elif field in CHANGEABLE_FIELDS:
            model_field = MediaAccount._meta.get_field(field)
            setattr(shadow, field, model_field.to_python(value))
    if "managers" in filing.proposed:
        people = Person.objects.in_bulk([r["person"] for r in filing.proposed["managers"] if r.get("person")])
        managers = [
            AccountManager(
                account=account,
                role=r["role"],
                name=r["name"],
                title=r.get("title", ""),
                phone=r.get("phone", ""),
                email=r.get("email", ""),
                person=people.get(r.get("person")),
            )
            for r in filing.proposed["managers"]
        ]
    return shadow, managers


# ---------------------------------------------------------------- deadlines
def filing_deadline(filing) -> tuple[date | None, str, str]:
    """(due date, rule text with citation, error) for a filing, from its institution's pack."""
    from mediagov.workdays.services import due_date

    pack = filing.institution.policy
    rule = pack.deadline(filing.kind)
    if rule is None:
        return None, "", ""
    account = filing.account
    anchors = {
        "creation": account.created_on,
        "opening": account.planned_open_on or account.created_on,
        "publication": pack.published,
        "change": filing.event_date,
        "closure": filing.event_date,
    }
    start = anchors.get(rule.anchor)
    text = f"{rule.label}（{pack.cite(rule.article)}）"
    if start is None:
        names = {"creation": "创建时间", "opening": "拟开通日期", "publication": "办法公布日期"}
        return None, text, f"缺少{names.get(rule.anchor, '起算日期')}，无法计算截止日期"
    try:
        return due_date(start, rule.amount, rule.unit, rule.direction), text, ""
    except DomainError as exc:
        return None, text, exc.message


# ---------------------------------------------------------------- accounts
@transaction.atomic
def account_register(*, institution, user, fields: dict, managers: list[dict] | None = None) -> MediaAccount:
    """Register an account as 申请中 (pending) with its management team."""
    from .platforms import HandleError, normalise_handle, normalise_url

    fields = dict(fields)
    handle = ""
    if fields.get("url"):
        parsed = normalise_url(fields["url"])
        if parsed:
            fields.setdefault("platform", parsed[0])
            handle = parsed[1]
    if not handle and fields.get("platform_id") and fields.get("platform"):
        try:
            handle = normalise_handle(fields["platform"], fields["platform_id"])
        except HandleError as exc:
            raise FilingError(f"帐号ID无法识别：{exc}") from None
    if handle:
        existing = MediaAccount.objects.filter(
            institution=institution, platform=fields["platform"], handle=handle
        ).first()
        if existing:
            raise FilingError(
                f"该帐号已登记：{existing.name}（{existing.get_status_display()}），请勿重复登记"
            )
    account = MediaAccount.objects.create(
        institution=institution, handle=handle, status=AccountStatus.PENDING, **fields
    )
    _replace_managers(account, managers or [])
    log_action(account, "account.created", user=user, data={"name": account.name})
    return account


def _replace_managers(account, rows: list[dict]) -> None:
    account.managers.all().delete()
    people = Person.objects.in_bulk([r["person"] for r in rows if r.get("person")])
    for r in rows:
        person = people.get(r.get("person"))
        AccountManager.objects.create(
            account=account,
            role=r.get("role", "admin"),
            person=person,
            name=r.get("name") or (person.name if person else ""),
            title=r.get("title", "") or (person.title if person else ""),
            phone=r.get("phone", "") or (person.phone if person else ""),
            email=r.get("email", "") or (person.email if person else ""),
        )


@transaction.atomic
def account_update(*, account, user, fields: dict, managers: list[dict] | None = None) -> MediaAccount:
    """Edit an account directly. Only while its registration filing is a draft or returned for revision."""
    if account.status != AccountStatus.PENDING:
        raise FilingError("已备案帐号的信息变更须提交变更备案", article="第十一条")
    before = {f: _field_value(account, f) for f in CHANGEABLE_FIELDS}
    for field, value in fields.items():
        setattr(account, field, value)
    account.save()
    if managers is not None:
        _replace_managers(account, managers)
    changed = {
        f: _field_value(account, f) for f in CHANGEABLE_FIELDS if _field_value(account, f) != before[f]
    }
    log_action(account, "account.updated", user=user, data={"changed": list(changed)})
    for filing in account.filings.open():
        filing.due_date, filing.due_rule, filing.due_error = filing_deadline(filing)
        filing.save(update_fields=["due_date", "due_rule", "due_error"])
    return account


# ---------------------------------------------------------------- filings
@transaction.atomic
def filing_create(
    *,
    account,
    kind: str,
    user,
    event_date: date | None = None,
    proposed: dict | None = None,
    reason: str = "",
) -> Filing:
    pack = account.institution.policy
    if kind not in pack.filing_kinds:
        raise FilingError(f"《{pack.title}》未规定{FilingKind(kind).label}")
    if account.filings.open().exists():
        raise FilingError("该帐号已有办理中的备案，请先完成或撤回")
    if kind in (FilingKind.NEW, FilingKind.LEGACY) and account.status != AccountStatus.PENDING:
        raise FilingError("该帐号已备案")
    if kind in (FilingKind.CHANGE, FilingKind.CANCEL) and account.status in (
        AccountStatus.PENDING,
        AccountStatus.CANCELLED,
    ):
        raise FilingError("只有已备案且未注销的帐号可以办理变更或注销备案")
    filing = Filing(
        institution=account.institution,
        account=account,
        kind=kind,
        created_by=user,
        event_date=event_date
        or (timezone.localdate() if kind in (FilingKind.CHANGE, FilingKind.CANCEL) else None),
        proposed=proposed or {},
        reason=reason,
    )
    if kind == FilingKind.CHANGE:
        filing.diff = account_diff(account, filing.proposed)
        if not filing.diff:
            raise FilingError("变更备案没有任何变更内容")
    filing.due_date, filing.due_rule, filing.due_error = filing_deadline(filing)
    filing.save()
    log_action(filing, "filing.created", user=user, data={"kind": kind, "due": filing.due_date})
    return filing


@transaction.atomic
def filing_open_registration(*, institution, user, fields: dict, managers: list[dict], kind: str):
    """Register a new account and open its new (or legacy) filing, both or neither."""
    account = account_register(institution=institution, user=user, fields=fields, managers=managers)
    return account, filing_create(account=account, kind=kind, user=user)


def filing_update_proposal(*, filing, user, proposed: dict, event_date: date | None = None) -> Filing:
    """Revise a change filing's proposal while it is a draft or returned."""
    if filing.state not in (FilingState.DRAFT, FilingState.RETURNED):
        raise FilingError("只有草稿或退回修改的备案可以修改")
    filing.proposed = proposed
    if event_date:
        filing.event_date = event_date
    filing.diff = account_diff(filing.account, proposed)
    filing.due_date, filing.due_rule, filing.due_error = filing_deadline(filing)
    filing.save()
    log_action(filing, "account.updated", user=user, data={"diff": filing.diff})
    return filing


def _steps_for(filing, account) -> list[ApprovalStep]:
    pack = filing.institution.policy
    specs = pack.chain_for(account)
    required = (
        pack.protected_names.get("requires_roles", []) if pack.protected_keywords_in(account.name) else []
    )
    roles = {s.role for s in specs}
    for role in required:
        if role not in roles:
            at = "institution" if role in INSTITUTION_WIDE_ROLES else "unit"
            specs.insert(
                max(len(specs) - 1, 0),
                StepSpec(
                    role,
                    at,
                    f"{Role(role).label}意见（名称使用学校名称）",
                    pack.protected_names.get("article", ""),
                ),
            )
    supervisor_code = pack.supervisor_code(account.owner_kind)
    supervisor_unit = (
        Unit.objects.filter(institution_id=filing.institution_id, code=supervisor_code).first()
        if supervisor_code
        else account.responsible_unit
    )
    steps = []
    for i, spec in enumerate(specs, start=1):
        unit = {"unit": account.responsible_unit, "supervisor": supervisor_unit}.get(spec.at)
        steps.append(
            ApprovalStep(
                filing=filing,
                round=filing.round,
                order=i,
                role=spec.role,
                unit=unit,
                label=spec.label,
                article=spec.article,
            )
        )
    return steps


def filing_submit(*, filing, user) -> Filing:
    """Run the pack's checks; if none blocks, open a new round of the approval chain.

    A blocked submission keeps its check results on the filing (committed) so the page can show them.
    """
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(pk=filing.pk)
        if filing.state not in (FilingState.DRAFT, FilingState.RETURNED):
            raise FilingError(f"备案当前状态为“{filing.get_state_display()}”，不能提交")
        account, managers = filing_effective_account(filing)
        filing.checks = filing_checks(filing, account, managers)
        blocking = filing.blocking_checks
        if not blocking:
            resubmit = filing.state == FilingState.RETURNED
            filing.due_date, filing.due_rule, filing.due_error = filing_deadline(filing)
            filing.submit(by=user)
            filing.save()
            ApprovalStep.objects.bulk_create(_steps_for(filing, account))
            action = "filing.resubmitted" if resubmit else "filing.submitted"
            log_action(filing, action, user=user, data={"round": filing.round})
            return filing
        filing.save(update_fields=["checks"])
    first = blocking[0]
    more = f"等{len(blocking)}项问题" if len(blocking) > 1 else ""
    raise FilingError(f"不能提交：{first['message']}{more}", article=first["citation"])


def _apply_approval(filing, user) -> None:
    account = filing.account
    today = timezone.localdate()
    if filing.kind in (FilingKind.NEW, FilingKind.LEGACY):
        account.status = AccountStatus.ACTIVE
        account.alliance_member = True  # DUT 第十七条 / YUFE 第五条: approved accounts join automatically
        account.alliance_joined_on = today
        account.save()
    elif filing.kind == FilingKind.CHANGE:
        shadow, managers = filing_effective_account(filing)
        for field in CHANGEABLE_FIELDS:
            if field in filing.proposed:
                attr = f"{field}_id" if field in FK_FIELDS else field
                setattr(account, attr, getattr(shadow, attr))
        if account.url:
            from .platforms import normalise_url

            parsed = normalise_url(account.url)
            if parsed and parsed[0] == account.platform:
                account.handle = parsed[1]
        account.save()
        if "managers" in filing.proposed:
            _replace_managers(account, filing.proposed["managers"])
    elif filing.kind == FilingKind.CANCEL:
        account.status = AccountStatus.CANCELLED
        account.alliance_member = False
        account.save()
    log_action(
        account, "account.status_changed", user=user, data={"status": account.status, "filing": filing.pk}
    )


@transaction.atomic
def filing_decide(*, step, user, decision: str, opinion: str = "") -> Filing:
    """Record one step's decision (approve, return for revision, reject) with the opinion and signature.

    Exactly one of two concurrent decisions on the same step wins: the filing row is locked and the step
    is claimed with a conditional update.
    """
    if decision not in (StepDecision.APPROVED, StepDecision.RETURNED, StepDecision.REJECTED):
        raise FilingError("无效的审批结论")
    filing = Filing.objects.select_for_update().get(pk=step.filing_id)
    step = ApprovalStep.objects.select_related("unit", "filing").get(pk=step.pk)
    if user.pk in (filing.submitted_by_id, filing.created_by_id):
        raise DomainPermissionDenied("不能审批本人填报或提交的备案")
    if not holds_step(user, step):
        raise DomainPermissionDenied(f"您不是“{step.label}”环节的审批人")
    if step.decision != StepDecision.PENDING:
        raise FilingError("该环节已经处理，请刷新页面")
    if filing.state != FilingState.SUBMITTED or step.round != filing.round:
        raise FilingError(f"备案当前状态为“{filing.get_state_display()}”，不能审批")
    current = filing.current_step()
    if current is None or current.pk != step.pk:
        raise FilingError(f"尚未轮到“{step.label}”环节")
    if decision != StepDecision.APPROVED and not opinion.strip():
        raise FilingError("退回或不同意时须填写意见")
    now = timezone.now()
    claimed = ApprovalStep.objects.filter(pk=step.pk, decision=StepDecision.PENDING).update(
        decision=decision, opinion=opinion.strip(), signed_by=user, signed_at=now
    )
    if claimed != 1:
        raise FilingError("该环节已经处理，请刷新页面")
    data = {"step": step.label, "opinion": opinion.strip(), "round": filing.round}
    if decision == StepDecision.APPROVED:
        log_action(filing, "filing.step_approved", user=user, data=data)
        if not filing.current_steps().filter(decision=StepDecision.PENDING).exists():
            filing.approve()
            filing.save()
            _apply_approval(filing, user)
            log_action(filing, "filing.approved", user=user, data=data)
        return filing
    filing.current_steps().filter(decision=StepDecision.PENDING).update(decision=StepDecision.SKIPPED)
    if decision == StepDecision.RETURNED:
        filing.return_for_revision()
        filing.save()
        log_action(filing, "filing.returned", user=user, data=data)
    else:
        filing.reject()
        filing.save()
        log_action(filing, "filing.rejected", user=user, data=data)
    return filing


@transaction.atomic
def filing_withdraw(*, filing, user) -> Filing:
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if not filing.is_open:
        raise FilingError("备案已办结，不能撤回")
    filing.withdraw()
    filing.save()
    filing.current_steps().filter(decision=StepDecision.PENDING).update(decision=StepDecision.SKIPPED)
    log_action(filing, "filing.withdrawn", user=user)
    return filing


def filing_deadlines_refresh() -> int:
    """Recompute every open filing's deadline from its pack and the calendar; return how many changed.

    Idempotent: a second run changes nothing. Filings whose deadline could not be computed (a year without
    calendar data) get one as soon as that year's notice is imported.
    """
    changed = 0
    for filing in Filing.objects.open().select_related("account", "institution"):
        due = filing_deadline(filing)
        if due != (filing.due_date, filing.due_rule, filing.due_error):
            filing.due_date, filing.due_rule, filing.due_error = due
            Filing.objects.filter(pk=filing.pk).update(
                due_date=filing.due_date, due_rule=filing.due_rule, due_error=filing.due_error
            )
            changed += 1
    return changed
