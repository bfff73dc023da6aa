"""Who may import posts, as a `rules` predicate. Scope is read through mediagov.core.scoping."""

import rules

from mediagov.core import scoping
from mediagov.org.models import Role
from mediagov.registry.rules import FILING_ROLES


@rules.predicate
def can_import_posts(user, institution):
    """Members who file accounts: the propaganda department (for every account of the institution) and unit
    staff (for their unit's accounts; `post_import` checks each row's account with registry.file_account)."""
    if institution is None:
        return False
    for m in scoping.memberships_of(user):
        if m.institution_id != institution.pk:
            continue
        if m.role == Role.PROPAGANDA or (m.role in FILING_ROLES and m.unit_id):
            return True
    return False


rules.add_perm("activity.import_posts", can_import_posts)
