"""Filings in a given state, built through the registry services."""

from mediagov.registry import services
from mediagov.registry.models import FilingKind, StepDecision

from ..registry.factories import register


def open_filing(w, name, *, unit=None, user=None, submit=True, inst=None, **fields):
    """A new-account filing of a secondary (non-main) account, submitted unless `submit` is False."""
    unit = unit or w.chem
    user = user or w.chem_op
    if unit == w.mech:
        fields.setdefault("direct_responsible", w.p_mech)
    account = register(w, name=name, unit=unit, user=user, inst=inst, is_main=False, **fields)
    filing = services.filing_create(account=account, kind=FilingKind.NEW, user=user)
    if submit:
        filing = services.filing_submit(filing=filing, user=user)
    return filing


def decide(filing, user, decision=StepDecision.APPROVED, opinion="同意"):
    return services.filing_decide(step=filing.current_step(), user=user, decision=decision, opinion=opinion)
