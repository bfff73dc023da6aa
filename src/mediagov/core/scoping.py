"""Scoping by institution and unit, in one place.

Every view and API endpoint reads through these functions (or the `visible_to` QuerySet methods that call
them). A user sees and acts only within the memberships they hold:

- propaganda, it_center: every account of their institution;
- intl_office: the foreign-related (涉外) accounts of their institution (DUT 第四条(三));
- supervisor: accounts of their unit's subtree, and accounts whose owner kind the pack routes to their unit
  (DUT 第五条);
- unit_party, unit_head, responsible, operator: accounts of their unit's subtree.
"""

from django.db.models import Q

from mediagov.org.models import INSTITUTION_WIDE_ROLES, Membership, Role

NOTHING = Q(pk__in=[])


def memberships_of(user) -> list[Membership]:
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_mediagov_memberships", None)
    if cached is None:
        memberships = Membership.objects.filter(user=user).select_related("institution", "unit")
        cached = list(memberships.order_by("institution__code", "role", "id"))
        user._mediagov_memberships = cached
    return cached


def institutions_of(user) -> list:
    seen = {}
    for m in memberships_of(user):
        seen.setdefault(m.institution_id, m.institution)
    return list(seen.values())


def has_role(user, role: str, institution=None) -> bool:
    return any(
        m.role == role and (institution is None or m.institution_id == institution.pk)
        for m in memberships_of(user)
    )


def account_scope_q(user, prefix: str = "") -> Q:
    """A Q that keeps the accounts `user` may see; `prefix` is the path to the account (e.g. "account__")."""
    if user is None or not user.is_authenticated:
        return NOTHING
    q = NOTHING
    for m in memberships_of(user):
        inst = Q(**{f"{prefix}institution_id": m.institution_id})
        if m.role in (Role.PROPAGANDA, Role.IT_CENTER):
            q |= inst
        elif m.role == Role.INTL_OFFICE:
            q |= inst & Q(**{f"{prefix}foreign_related": True})
        elif m.unit_id:
            scope = inst & Q(**{f"{prefix}responsible_unit__path__startswith": m.unit.path})
            if m.role == Role.SUPERVISOR:
                kinds = m.institution.policy.kinds_supervised_by(m.unit.code)
                if kinds:
                    scope |= inst & Q(**{f"{prefix}owner_kind__in": kinds})
            q |= scope
    return q


def finding_scope_q(user) -> Q:
    """A Q that keeps the compliance findings `user` may see: the findings of the accounts in their scope,
    and the findings that have no registered account (an unregistered use of the school's name found by the
    name watch, DUT 第九条) for the propaganda department of the finding's institution only."""
    q = account_scope_q(user, "account__")
    departments = [m.institution_id for m in memberships_of(user) if m.role == Role.PROPAGANDA]
    if departments:
        q |= Q(account__isnull=True, institution_id__in=departments)
    return q


def can_view_finding(user, finding) -> bool:
    if finding.account_id is None:
        return is_department(user, finding.institution)
    return can_view_account(user, finding.account)


def can_view_account(user, account) -> bool:
    from mediagov.registry.models import MediaAccount

    return MediaAccount.objects.filter(account_scope_q(user), pk=account.pk).exists()


def units_in_scope(user, institution):
    """Units where `user` may file accounts (their unit subtrees; all units for the department)."""
    from mediagov.org.models import Unit

    q = NOTHING
    for m in memberships_of(user):
        if m.institution_id != institution.pk:
            continue
        if m.role in INSTITUTION_WIDE_ROLES:
            return Unit.objects.filter(institution=institution)
        if m.unit_id:
            q |= Q(path__startswith=m.unit.path)
    return Unit.objects.filter(q, institution=institution)


def membership_covers(m, unit) -> bool:
    """Whether membership `m` reaches `unit`: an institution-wide role everywhere, any other role at its own
    unit and the units under it (an approval step, a content review level)."""
    if m.role in INSTITUTION_WIDE_ROLES:
        return True
    return unit is not None and bool(m.unit_id) and unit.path.startswith(m.unit.path)


def holds_role_at(user, *, institution_id: int, roles, unit=None) -> bool:
    """Whether `user` holds one of `roles` in the institution, in a membership that covers `unit`."""
    return any(
        m.institution_id == institution_id and m.role in roles and membership_covers(m, unit)
        for m in memberships_of(user)
    )


def holds_step(user, step) -> bool:
    """Whether `user` holds the role and unit an approval step names."""
    return holds_role_at(
        user,
        institution_id=step.filing.institution_id,
        roles=(step.role,),
        unit=step.unit if step.unit_id else None,
    )


def is_department(user, institution) -> bool:
    return has_role(user, Role.PROPAGANDA, institution)


def current_institution(request):
    """The institution the user works in now: the one chosen in the session, else their first."""
    institutions = institutions_of(request.user)
    if not institutions:
        return None
    chosen = request.session.get("institution_id")
    return next((i for i in institutions if i.pk == chosen), institutions[0])
