"""Keep the per-process override cache of services.py fresh."""

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .models import CalendarYear, WorkdayOverride
from .services import calendar_cache_clear


@receiver(post_save, sender=WorkdayOverride)
@receiver(post_delete, sender=WorkdayOverride)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def calendar_changed(sender, using=None, **kwargs) -> None:
    calendar_cache_clear()
    # A reader in another thread may cache the old rows before this transaction commits.
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        transaction.on_commit(calendar_cache_clear, using=using)


# `flush` (and so the end of every TransactionTestCase) empties the tables without row signals.
post_migrate.connect(calendar_cache_clear, dispatch_uid="workdays.calendar_cache_clear")
