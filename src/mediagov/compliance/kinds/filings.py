"""Filing deadlines (from the pack's `deadlines:`) and accounts that were never filed."""

from mediagov.workdays.services import CalendarDataMissing, due_date

from .base import Rule, register

KIND_LABELS = {"new": "新建备案", "legacy": "补交备案", "change": "变更备案", "cancel": "注销备案"}


@register
class FilingDeadline(Rule):
    kind = "filing_deadline"
    label = "备案逾期"

    def describe(self, spec):
        return f"{KIND_LABELS.get(spec.params.get('filing'), '备案')}逾期"

    default_action = "立即提交备案"

    def evaluate(self, spec, snap):
        kind = spec.params["filing"]
        deadline = snap.pack.deadline(kind)
        before = deadline is not None and deadline.direction == "before"
        out = []
        by_id = {a.id: a for a in snap.accounts}
        for account_id, filings in snap.filings.items():
            account = by_id.get(account_id)
            if account is None or account.status == "cancelled" and kind != "cancel":
                continue
            for f in filings:
                if f.kind != kind or f.due_date is None or f.due_date >= snap.as_of:
                    continue
                if f.state in ("withdrawn", "rejected") and f.submitted_on is None:
                    continue  # abandoned before it was ever filed
                done_on = f.approved_on if before else f.submitted_on
                if done_on is not None:
                    continue  # filed (late filings are flagged on the filing itself)
                late = snap.as_of - f.due_date
                what = "审批通过" if before else "提交"
                rule_text = f.due_rule or (deadline.label if deadline else "")
                out.append(
                    self.draft(
                        spec,
                        account,
                        key=f"filing-{f.id}",
                        title=f"{KIND_LABELS[kind]}逾期未{what}",
                        message=f"{account.name}的{KIND_LABELS[kind]}应于{f.due_date:%Y-%m-%d}前{what}"
                        f"（{rule_text}），至今未{what}，已逾期{late.days}天",
                        evidence={
                            "filing_id": f.id,
                            "filing_kind": kind,
                            "filing_state": f.state,
                            "event_date": f.event_date.isoformat() if f.event_date else None,
                            "due_date": f.due_date.isoformat(),
                            "days_late": late.days,
                        },
                        since=f.due_date,
                    )
                )
        return out


@register
class UnfiledAccount(Rule):
    kind = "unfiled_account"
    label = "帐号未备案"
    default_action = "提交备案"

    def evaluate(self, spec, snap):
        within = spec.params["within"]
        anchor = spec.params.get("from", "known")
        dues: dict = {}
        out = []
        for account in snap.accounts:
            if account.status == "cancelled":
                continue
            filings = snap.filings.get(account.id, [])
            if any(f.submitted_on or f.approved_on for f in filings):
                continue
            if any(f.kind in ("new", "legacy") and f.state not in ("withdrawn", "rejected") for f in filings):
                continue  # a filing is under way: its own deadline (filing_deadline) applies
            if anchor == "publication" and snap.pack.published:
                start, basis = max(snap.pack.published, account.known_on), "publication"
                if account.created_on and account.created_on > snap.pack.published:
                    start, basis = account.created_on, "creation"
            elif anchor == "creation" and account.created_on:
                start, basis = account.created_on, "creation"
            else:
                start, basis = account.known_on, "known"
            if start not in dues:  # many accounts share the day
                try:
                    dues[start] = due_date(start, within["amount"], within["unit"], "after")
                except CalendarDataMissing as exc:
                    dues[start] = exc
            due = dues[start]
            if isinstance(due, CalendarDataMissing):
                snap.errors.append(f"{spec.id}: {due}")
                continue
            if due >= snap.as_of:
                continue
            basis_label = {"publication": "办法公布", "creation": "帐号创建", "known": "帐号登记"}[basis]
            out.append(
                self.draft(
                    spec,
                    account,
                    title="帐号未备案",
                    message=f"{account.name}自{start:%Y-%m-%d}（{basis_label}）起未提交备案，应于{due:%Y-%m-%d}前提交",
                    evidence={
                        "from": basis,
                        "start": start.isoformat(),
                        "filing_due": due.isoformat(),
                        "open_drafts": [f.id for f in filings if f.state == "draft"],
                    },
                    since=due,
                )
            )
        return out


@register
class PriorApproval(Rule):
    """An account opened before its application was approved (or, with `requires: submitted`, filed)."""

    kind = "prior_approval"
    label = "先审批（申请）后开设"
    default_action = "暂停使用，补办审批（申请）"

    def evaluate(self, spec, snap):
        requires = spec.params.get("requires", "approved")
        published = snap.pack.published
        out = []
        for account in snap.accounts:
            if account.status == "cancelled" or account.created_on is None or account.created_on > snap.as_of:
                continue
            if published and account.created_on < published:
                continue  # opened before the regulation: the legacy rules apply
            filings = [f for f in snap.filings.get(account.id, []) if f.kind in ("new", "legacy")]
            latest = filings[-1] if filings else None
            done_on = None
            if latest is not None:
                done_on = (
                    latest.approved_on
                    if requires == "approved"
                    else (latest.submitted_on or latest.approved_on)
                )
            if done_on is not None and done_on <= account.created_on:
                continue
            if done_on is not None and done_on <= snap.as_of and requires == "submitted":
                continue  # applied late, but applied: the filing deadline rules judge the lateness
            if done_on is not None and done_on <= snap.as_of:
                continue
            what = "审批通过" if requires == "approved" else "提出申请"
            out.append(
                self.draft(
                    spec,
                    account,
                    title=f"开设前未{what}",
                    message=f"{account.name}于{account.created_on:%Y-%m-%d}开设，至今未{what}",
                    evidence={
                        "created_on": account.created_on.isoformat(),
                        "requires": requires,
                        "filing_id": latest.id if latest else None,
                        "filing_state": latest.state if latest else None,
                        "submitted_on": latest.submitted_on.isoformat()
                        if latest and latest.submitted_on
                        else None,
                        "approved_on": latest.approved_on.isoformat()
                        if latest and latest.approved_on
                        else None,
                        "days_since_creation": (snap.as_of - account.created_on).days,
                    },
                    since=account.created_on,
                )
            )
        return out
