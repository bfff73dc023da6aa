"""Rules on the accounts themselves: quotas (DUT 第八条), staffing (DUT 第七条, YUFE 第八条), payment and data
integration without approval (DUT 第十五条（三）). The same kinds are checked when a filing is submitted
(registry.checks); here they are re-checked every day, because people leave and accounts drift."""

from collections import defaultdict

from .base import Rule, register

LIVE = ("active", "rectifying", "suspended")


def _live(snap):
    return [a for a in snap.accounts if a.status in LIVE]


class _Quota(Rule):
    default_action = "合并或注销超出限额的帐号"
    noun = ""

    def group(self, account):
        raise NotImplementedError

    def evaluate(self, spec, snap):
        limit = int(spec.params.get("max", 1))
        groups = defaultdict(list)
        for account in _live(snap):
            key = self.group(account)
            if key is not None:
                groups[key].append(account)
        out = []
        for members in groups.values():
            if len(members) <= limit:
                continue
            members.sort(key=lambda a: (a.opened_on or a.known_on, a.id))
            names = [a.name for a in members]
            for extra in members[limit:]:
                out.append(
                    self.draft(
                        spec,
                        extra,
                        title=f"超出{self.noun}限额",
                        message=f"{snap.units.get(extra.unit_id, '')}的{self.noun}共{len(members)}个"
                        f"（{'、'.join(names)}），限{limit}个；{extra.name}为超出的帐号",
                        evidence={"accounts": [a.id for a in members], "names": names, "max": limit},
                        since=extra.opened_on or extra.known_on,
                    )
                )
        return out


@register
class MainAccountPerPlatform(_Quota):
    kind = "main_account_per_platform"
    label = "一个单位在一个平台上只能开设一个主体账户"
    noun = "同平台主体账户"

    def group(self, account):
        if not account.is_main or account.platform == "app":
            return None
        return (account.unit_id, account.platform)


@register
class AppPerCategory(_Quota):
    kind = "app_per_category"
    label = "每种类型限开发一个客户端应用"
    noun = "同类型客户端"

    def group(self, account):
        if account.platform != "app" or not account.app_category:
            return None
        return (account.unit_id, account.app_category)


class _PerAccount(Rule):
    """A condition on one account at a time: `problem` returns (title, message, evidence) or None."""

    def problem(self, spec, snap, account):
        raise NotImplementedError

    def evaluate(self, spec, snap):
        out = []
        for account in _live(snap):
            found = self.problem(spec, snap, account)
            if found:
                title, message, evidence = found
                out.append(
                    self.draft(spec, account, title=title, message=message, evidence=evidence, since=None)
                )
        return out


def _person_evidence(person) -> dict:
    if person is None:
        return {"person": None}
    return {
        "person": person.name,
        "staff_no": person.staff_no,
        "on_staff": person.on_staff,
        "on_roster": person.on_roster,
    }


@register
class DirectResponsibleOnStaff(_PerAccount):
    kind = "direct_responsible_on_staff"
    label = "直接责任人须为在校教职员工"
    default_action = "重新明确一名在校教职员工为直接责任人并提交变更备案"

    def problem(self, spec, snap, account):
        person = snap.person(account.direct_responsible_id)
        if person is None:
            return "未明确直接责任人", f"{account.name}未明确直接责任人", _person_evidence(None)
        if not person.is_on_staff:
            why = "已不在教职工名册中" if not person.on_roster else "不是在岗在编教职工"
            return (
                "直接责任人不在岗",
                f"{account.name}的直接责任人{person.name}（工号{person.staff_no}）{why}",
                _person_evidence(person),
            )
        return None


@register
class VerifiedAdminsOnStaff(_PerAccount):
    kind = "verified_admins_on_staff"
    reads = ("managers",)
    label = "已认证帐号的管理员须为在岗在编教职工"
    default_action = "更换为在岗在编教职工担任管理员并提交变更备案"

    def problem(self, spec, snap, account):
        if not account.verified:
            return None
        admins = [m for m in snap.managers.get(account.id, []) if m.role == "admin"]
        if not admins:
            return "已认证帐号未登记管理员", f"{account.name}已认证，但未登记管理员", {"admins": []}
        bad = [m for m in admins if not (snap.person(m.person_id) and snap.person(m.person_id).is_on_staff)]
        if not bad:
            return None
        names = "、".join(m.name for m in bad)
        return (
            "管理员不是在岗在编教职工",
            f"{account.name}已认证，管理员{names}不是在岗在编教职工",
            {"admins": [m.name for m in admins], "not_on_staff": [m.name for m in bad]},
        )


@register
class AdminsOnRoster(_PerAccount):
    kind = "admins_on_roster"
    reads = ("managers",)
    label = "管理员离校未交接"
    default_action = "办理管理员交接并提交变更备案"

    def problem(self, spec, snap, account):
        left = [
            m
            for m in snap.managers.get(account.id, [])
            if m.role == "admin" and snap.person(m.person_id) and not snap.person(m.person_id).on_roster
        ]
        if not left:
            return None
        return (
            "管理员已离校未交接",
            f"{account.name}的管理员{'、'.join(m.name for m in left)}已不在教职工名册中，须办理交接",
            {
                "admins_left": [
                    {"name": m.name, "person_id": m.person_id, "staff_no": snap.person(m.person_id).staff_no}
                    for m in left
                ]
            },
        )


@register
class MinAdmins(_PerAccount):
    kind = "min_admins"
    reads = ("managers",)
    label = "管理员人数不足"
    default_action = "补充登记管理员并提交变更备案"

    def problem(self, spec, snap, account):
        need = int(spec.params.get("min", 1))
        admins = [m for m in snap.managers.get(account.id, []) if m.role == "admin"]
        if len(admins) >= need:
            return None
        return (
            "管理员人数不足",
            f"{account.name}须至少登记{need}名管理员，现有{len(admins)}名",
            {"admins": [m.name for m in admins], "min": need},
        )


@register
class GuidingTeacher(_PerAccount):
    kind = "guiding_teacher_for_student_accounts"
    label = "学生组织帐号须有在岗教职工担任指导教师"
    default_action = "明确一名在岗教职工担任指导教师并提交变更备案"

    def problem(self, spec, snap, account):
        kinds = spec.params.get("owner_kinds") or ["youth"]
        if account.owner_kind not in kinds:
            return None
        teacher = snap.person(account.guiding_teacher_id)
        if teacher is not None and teacher.is_on_staff:
            return None
        what = "未明确指导教师" if teacher is None else f"指导教师{teacher.name}已不在岗"
        return "指导教师缺失", f"{account.name}{what}", _person_evidence(teacher)


@register
class PaymentNeedsApproval(_PerAccount):
    kind = "payment_needs_approval"
    label = "开通在线支付未经批准"
    default_action = "关闭在线支付功能，或报学校有关部门批准后备案"

    def problem(self, spec, snap, account):
        if account.online_payment and not account.payment_approved_by.strip():
            return (
                "在线支付未经批准",
                f"{account.name}开通了在线支付，未登记学校有关部门的批准",
                {"online_payment": True, "payment_approved_by": ""},
            )
        return None


@register
class DataIntegrationNeedsApproval(_PerAccount):
    kind = "data_integration_needs_approval"
    label = "对接学校数据未经网络与信息化中心审批"
    default_action = "停止数据对接，报网络与信息化中心审批后实施"

    def problem(self, spec, snap, account):
        if account.data_integration and not account.data_integration_approval.strip():
            return (
                "数据对接未经审批",
                f"{account.name}对接了学校业务数据，未登记网络与信息化中心的审批",
                {"data_integration": True, "data_integration_approval": ""},
            )
        return None
