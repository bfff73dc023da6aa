"""Checks at submission. Each check is driven by a rule of the institution's pack and cites its article.

A check returns dicts `{level, code, message, article, citation}`; `error` blocks submission, `warning` and
`info` are shown and recorded with the filing.
"""

from .models import AccountStatus, FilingKind, ManagerRole, MediaAccount
from .platforms import Platform


def _result(pack, rule: dict, code: str, message: str, level: str | None = None) -> dict:
    article = rule.get("article", "")
    return {
        "level": level or rule.get("level", "error"),
        "code": code,
        "message": message,
        "article": article,
        "citation": pack.cite(article),
    }


def _siblings(account):
    return (
        MediaAccount.objects.filter(
            institution_id=account.institution_id, responsible_unit_id=account.responsible_unit_id
        )
        .exclude(pk=account.pk)
        .exclude(status=AccountStatus.CANCELLED)
    )


def check_main_account_per_platform(pack, rule, account, managers) -> list[dict]:
    if not account.is_main or account.platform == Platform.APP:
        return []
    others = _siblings(account).filter(platform=account.platform, is_main=True)
    if others.count() >= int(rule.get("max", 1)):
        names = "、".join(o.name for o in others[:3])
        return [
            _result(
                pack,
                rule,
                "quota.main_account",
                f"{account.responsible_unit.name}在{account.get_platform_display()}上已有主体账户（{names}），"
                f"原则上一个单位在一个平台上只能开设一个主体账户",
            )
        ]
    return []


def check_app_per_category(pack, rule, account, managers) -> list[dict]:
    if account.platform != Platform.APP:
        return []
    if not account.app_category:
        return [
            _result(
                pack, rule, "quota.app_category_missing", "移动客户端须注明类型（服务型、教育型或工作型）"
            )
        ]
    others = _siblings(account).filter(platform=Platform.APP, app_category=account.app_category)
    if others.count() >= int(rule.get("max", 1)):
        return [
            _result(
                pack,
                rule,
                "quota.app_per_category",
                f"{account.responsible_unit.name}已开发{account.get_app_category_display()}客户端"
                f"（{others.first().name}），每种类型限开发一个客户端应用",
            )
        ]
    return []


def check_direct_responsible_on_staff(pack, rule, account, managers) -> list[dict]:
    person = account.direct_responsible
    if person is None:
        return [_result(pack, rule, "staff.direct_missing", "须明确一名在校教职员工为直接责任人")]
    if not person.is_on_staff:
        return [
            _result(
                pack,
                rule,
                "staff.direct_not_on_staff",
                f"直接责任人{person.name}（工号{person.staff_no}）不是在岗在编教职工",
            )
        ]
    return []


def check_verified_admins_on_staff(pack, rule, account, managers) -> list[dict]:
    if not account.verified:
        return []
    admins = [m for m in managers if m.role == ManagerRole.ADMIN]
    out = []
    if not admins:
        out.append(_result(pack, rule, "staff.no_admin", "已认证帐号须登记管理员"))
    for m in admins:
        if not (m.person and m.person.is_on_staff):
            out.append(
                _result(
                    pack,
                    rule,
                    "staff.admin_not_on_staff",
                    f"管理员{m.name}不是在岗在编教职工（已认证的新媒体平台管理员须由在岗在编教职工担任）",
                )
            )
    return out


def check_payment_needs_approval(pack, rule, account, managers) -> list[dict]:
    if account.online_payment and not account.payment_approved_by.strip():
        return [_result(pack, rule, "payment.unapproved", "开通在线支付须注明批准的学校有关部门")]
    return []


def check_data_integration_needs_approval(pack, rule, account, managers) -> list[dict]:
    if account.data_integration and not account.data_integration_approval.strip():
        return [
            _result(
                pack,
                rule,
                "data.unapproved",
                "对接学校业务数据须经网络与信息化中心审批；本备案将增加网络与信息化中心审批环节",
            )
        ]
    return []


def check_guiding_teacher_for_student_accounts(pack, rule, account, managers) -> list[dict]:
    if account.owner_kind not in (rule.get("owner_kinds") or ["youth"]):
        return []
    teacher = account.guiding_teacher
    if teacher is None or not teacher.is_on_staff:
        return [_result(pack, rule, "staff.guiding_teacher", "学生组织帐号须有在岗教职工担任指导教师")]
    return []


def check_min_admins(pack, rule, account, managers) -> list[dict]:
    admins = [m for m in managers if m.role == ManagerRole.ADMIN]
    need = int(rule.get("min", 1))
    if len(admins) < need:
        return [_result(pack, rule, "staff.min_admins", f"须至少登记{need}名管理员（现有{len(admins)}名）")]
    return []


def check_admins_on_roster(pack, rule, account, managers) -> list[dict]:
    left = [m for m in managers if m.role == ManagerRole.ADMIN and m.person and not m.person.on_roster]
    return [
        _result(pack, rule, "staff.admin_left", f"管理员{m.name}已不在教职工名册中，须办理交接、更换管理员")
        for m in left
    ]


CHECKS = {
    "main_account_per_platform": check_main_account_per_platform,
    "app_per_category": check_app_per_category,
    "direct_responsible_on_staff": check_direct_responsible_on_staff,
    "verified_admins_on_staff": check_verified_admins_on_staff,
    "payment_needs_approval": check_payment_needs_approval,
    "data_integration_needs_approval": check_data_integration_needs_approval,
    "guiding_teacher_for_student_accounts": check_guiding_teacher_for_student_accounts,
    "min_admins": check_min_admins,
    "admins_on_roster": check_admins_on_roster,
}


def protected_name_result(pack, account) -> dict | None:
    conf = pack.protected_names
    used = pack.protected_keywords_in(account.name)
    if not used:
        return None
    from mediagov.org.models import Role

    roles = "、".join(Role(r).label for r in conf.get("requires_roles", []))
    return _result(
        pack,
        conf,
        "name.protected",
        f"帐号名称使用了“{'、'.join(used)}”字样，须经{roles}审批通过后方可使用",
        level="info",
    )


def filing_checks(filing, account=None, managers=None) -> list[dict]:
    """Run every check the pack names against the account as the filing would leave it."""
    pack = filing.institution.policy
    account = account or filing.account
    managers = list(account.managers.select_related("person")) if managers is None else managers
    if filing.kind == FilingKind.CANCEL:
        return []
    results: list[dict] = []
    for rule in pack.quotas + pack.staffing:
        check = CHECKS.get(rule["kind"])
        if check:
            results.extend(check(pack, rule, account, managers))
    name_result = protected_name_result(pack, account)
    if name_result:
        results.append(name_result)
    return results
