"""Sources (feeds and platform connectors): setting them up, running them, and spreading the runs over time.

- `source_save`: the 党委宣传部 or the IT center set up a source; only the IT center (网络与信息化中心 /
  信息管理中心, DUT 第四条（二）, YUFE 第四条) sets or clears an AppSecret. Secrets never reach the audit log.
- `source_run`: one run of one source. It claims the source with a conditional `update()` (two workers never
  run the same source), calls its connector, adds the posts through `activity.services.posts_add`, and
  records the outcome: after a success the next run is one interval later; after an error it backs off
  exponentially (5 min, 10, 20 … up to MEDIAGOV_CONNECTOR_BACKOFF_MAX), or waits until the remote quota resets.
- `sources_enqueue_due`: what the beat runs every MEDIAGOV_CONNECTOR_TICK seconds. It hands each due source to
  the queue with a countdown spread by the source's id over the tick, so a thousand sources never start at
  once, and moves the source's next run one interval on, so the next tick does not enqueue it again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mediagov.activity.services import posts_add
from mediagov.core.audit import log_action
from mediagov.core.errors import DomainError, PermissionDenied
from mediagov.core.scoping import has_role
from mediagov.org.models import Role
from mediagov.registry.models import MediaAccount

from .base import ConnectorError, connector_for
from .models import Source

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=5)
LEASE = timedelta(minutes=15)  # a run that takes longer than this is assumed dead; another may claim it
MAX_PER_TICK = 500  # sources enqueued per tick at most; the rest stay due for the next tick
STATE_FIELDS = ("etag", "last_modified", "access_token", "token_expires_at")
SECRET_FIELDS = ("app_secret",)


class SourceError(DomainError):
    pass


def poll_interval() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "MEDIAGOV_CONNECTOR_INTERVAL", 3600)))


def tick() -> int:
    return int(getattr(settings, "MEDIAGOV_CONNECTOR_TICK", 300))


def backoff(failures: int) -> timedelta:
    """How long to wait after `failures` consecutive failures: 5 min doubling, capped."""
    cap = timedelta(seconds=int(getattr(settings, "MEDIAGOV_CONNECTOR_BACKOFF_MAX", 6 * 3600)))
    if failures <= 0:
        return timedelta(0)
    return min(BACKOFF_BASE * 2 ** min(failures - 1, 20), cap)


def spread(source_id: int, window: int) -> int:
    """A fixed offset in [0, window) seconds for a source: its id scattered by Knuth's multiplicative hash."""
    return (source_id * 2654435761) % max(window, 1)


def may_manage(user, institution) -> bool:
    """The 党委宣传部 and the IT center set up sources for their institution."""
    return has_role(user, Role.PROPAGANDA, institution) or has_role(user, Role.IT_CENTER, institution)


def may_set_secret(user, institution) -> bool:
    return has_role(user, Role.IT_CENTER, institution)


def it_center_article(institution) -> str:
    """The article that makes the IT center responsible for technology (DUT 第四条（二）, YUFE 第四条), cited."""
    pack = institution.policy
    for step in (pack.data.get("approval") or {}).get("extra_steps") or []:
        if step.get("role") == Role.IT_CENTER and str(step.get("article", "")).startswith("第四条"):
            return pack.cite(step["article"])
    return pack.cite("")


# ---------------------------------------------------------------- set-up


EDITABLE = ("enabled", "url", "app_id", "api_base")


@transaction.atomic
def source_save(
    *,
    institution,
    user,
    source: Source | None = None,
    account: MediaAccount | None = None,
    kind: str = "",
    enabled: bool = True,
    url: str = "",
    app_id: str = "",
    api_base: str = "",
    app_secret: str = "",
    clear_secret: bool = False,
) -> Source:
    """Create (`source` None: with `account` and `kind`) or change a source. An empty `app_secret` keeps the
    saved one; only the IT center may give one or clear it. Raises SourceError / PermissionDenied."""
    if user is not None and not may_manage(user, institution):
        raise PermissionDenied("只有党委宣传部和网络与信息化中心可以设置数据来源")
    if (app_secret or clear_secret) and user is not None and not may_set_secret(user, institution):
        raise PermissionDenied(
            f"只有网络与信息化中心可以设置 AppSecret（{it_center_article(institution)}）", code="secret"
        )
    creating = source is None
    if creating:
        if account is None or account.institution_id != institution.pk:
            raise SourceError("请选择本校的帐号")
        connector = connector_for(kind)
        if Source.objects.filter(account=account, kind=kind).exists():
            raise SourceError(f"帐号“{account.name}”已设置{connector.label}，请修改原有的数据来源")
        source = Source(institution=institution, account=account, kind=kind)
    else:
        source = Source.objects.select_for_update().get(pk=source.pk)
        connector = connector_for(source.kind)
    before = {name: getattr(source, name) for name in EDITABLE}
    source.enabled = enabled
    source.url = url.strip() if "url" in connector.settings_used else ""
    source.app_id = app_id.strip() if "app_id" in connector.settings_used else ""
    source.api_base = api_base.strip().rstrip("/") if "api_base" in connector.settings_used else ""
    secret_changed = False
    if "app_secret" in connector.settings_used and (app_secret.strip() or clear_secret):
        source.app_secret = "" if clear_secret else app_secret.strip()
        secret_changed = True
    problems = connector.validate(source)
    if problems:
        raise SourceError("；".join(message for _, message in problems))
    changed = [name for name in EDITABLE if getattr(source, name) != before[name]]
    if secret_changed or {"app_id", "api_base"} & set(changed):
        source.access_token, source.token_expires_at = "", None  # a token belongs to one AppID and secret
    if "url" in changed:
        source.etag = source.last_modified = ""
    if creating or secret_changed or set(changed) - {"enabled"} or (enabled and not before["enabled"]):
        # New or repaired: run at the next tick instead of waiting out a back-off.
        source.failures = 0
        source.next_run_at = timezone.now()
    source.save()
    labels = [str(Source._meta.get_field(name).verbose_name) for name in changed]
    log_action(
        source,
        "source.created" if creating else "source.updated",
        user=user,
        institution=institution,
        data={"kind": source.kind, "changed": [] if creating else labels, "secret_changed": secret_changed},
    )
    return source


# ---------------------------------------------------------------- runs


@dataclass
class RunResult:
    source_id: int
    outcome: str  # ok | error | skipped
    added: int = 0
    received: int = 0
    message: str = ""
    next_run_at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "source": self.source_id,
            "outcome": self.outcome,
            "added": self.added,
            "received": self.received,
            "message": self.message,
            "next_run_at": self.next_run_at.isoformat() if self.next_run_at else None,
        }


def _claim(source_id: int, now: datetime) -> bool:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Source.objects.filter(free, pk=source_id, enabled=True).update(claimed_until=now + LEASE) == 1


def source_run(*, source: Source, now: datetime | None = None, user=None) -> RunResult:
    """Run `source` once now (whether due or not); a disabled or already running source is skipped."""
    now = now or timezone.now()
    if not _claim(source.pk, now):
        reason = "已停用" if not Source.objects.filter(pk=source.pk, enabled=True).exists() else "正在获取中"
        return RunResult(source.pk, "skipped", message=reason)
    source = Source.objects.select_related("account", "institution").get(pk=source.pk)
    failed_before = source.failures > 0
    items, error = [], None
    try:
        connector = connector_for(source.kind)
        items = list(connector.fetch(source, source.last_item_at, now=now))
    except ConnectorError as exc:
        error, items = exc, list(exc.partial)
    except Exception as exc:  # a bug or an unexpected answer: recorded on the source, never a crashed worker
        log.exception("source %s failed", source.pk)
        error = ConnectorError(f"内部错误（{type(exc).__name__}），请联系系统管理员")
    added = 0
    if items:
        added = posts_add(source.account, items, source=connector_for(source.kind).post_source, user=user)
    state = {name: getattr(source, name) for name in STATE_FIELDS}
    update = {
        **state,
        "last_run_at": now,
        "claimed_until": None,
        "last_added": added,
        "posts_added": F("posts_added") + added,
    }
    if error is None:
        newest = max((i.published_at for i in items), default=None)
        if newest is not None and (source.last_item_at is None or newest > source.last_item_at):
            update["last_item_at"] = newest
        next_run_at = now + poll_interval()
        update.update(last_success_at=now, last_error="", failures=0, next_run_at=next_run_at)
        result = RunResult(source.pk, "ok", added=added, received=len(items), next_run_at=next_run_at)
    else:
        failures = source.failures + 1
        next_run_at = now + backoff(failures)
        if error.retry_at is not None:
            next_run_at = max(next_run_at, error.retry_at + timedelta(seconds=spread(source.pk, tick())))
        update.update(last_error_at=now, last_error=error.message, failures=failures, next_run_at=next_run_at)
        result = RunResult(
            source.pk,
            "error",
            added=added,
            received=len(items),
            message=error.message,
            next_run_at=next_run_at,
        )
    Source.objects.filter(pk=source.pk).update(**update)
    if error is not None and not failed_before:
        log_action(source, "source.failed", user=user, data={"error": error.message})
    elif error is None and failed_before:
        log_action(source, "source.recovered", user=user, data={"added": added})
    return result


def sources_enqueue_due(
    *, now: datetime | None = None, enqueue: Callable[[int, int], None], institution=None
) -> list[tuple[int, int]]:
    """Hand every due source to `enqueue(source_id, countdown_seconds)`; return the (id, countdown) pairs.

    Each source's countdown is `spread(id, tick)`, so the runs of one tick are spread over the tick. The
    source's next run is moved one interval on with a conditional update, so two beats (or a beat and the
    CLI) never enqueue it twice; the run itself sets the real next run when it finishes.
    """
    now = now or timezone.now()
    qs = Source.objects.due(now).order_by(F("next_run_at").asc(nulls_first=True), "pk")
    if institution is not None:
        qs = qs.filter(institution=institution)
    planned = []
    window = tick()
    for source_id, next_run_at in qs.values_list("pk", "next_run_at")[:MAX_PER_TICK]:
        moved = Source.objects.filter(pk=source_id, next_run_at=next_run_at)
        if next_run_at is None:
            moved = Source.objects.filter(pk=source_id, next_run_at__isnull=True)
        if moved.update(next_run_at=now + poll_interval()) != 1:
            continue  # another beat took it
        countdown = spread(source_id, window)
        planned.append((source_id, countdown))
    for source_id, countdown in planned:
        enqueue(source_id, countdown)
    return planned
