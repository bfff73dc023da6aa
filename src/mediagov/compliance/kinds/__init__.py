"""The catalogue of compliance rule kinds (docs/policy-packs.md). Importing this package registers them all."""

from . import accounts, activity, filings, reporting  # noqa: F401  (register the kinds)
from .base import RULES, FindingDraft, Rule

__all__ = ["RULES", "FindingDraft", "Rule"]
