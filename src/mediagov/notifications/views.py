"""Notification pages: each user's inbox; group robots and the delivery queue for 党委宣传部."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from mediagov.core.errors import DomainError
from mediagov.core.models import ActionLog
from mediagov.core.scoping import current_institution, is_department
from mediagov.core.views import department_institution_or_403, paginate

from . import services
from .forms import DeliveryFilterForm, WebhookForm
from .models import Delivery, DeliveryState, Notification, Webhook

FORBIDDEN = "只有党委宣传部可以管理群机器人和外部推送"


def _department(request):
    """The current institution, for its 党委宣传部 only (403 for everyone else)."""
    return department_institution_or_403(request, FORBIDDEN)


# ---------------------------------------------------------------- inbox


@login_required
def inbox(request):
    qs = (
        Notification.objects.filter(recipient=request.user)
        .annotate(
            is_read=Case(
                When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("is_read", "-created", "-id")
    )
    page, query = paginate(request, qs, per_page=30)
    institution = current_institution(request)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "query": query,
            "unread": qs.filter(read_at__isnull=True).count(),
            "is_department": institution is not None and is_department(request.user, institution),
        },
    )


@login_required
@require_POST
def read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    if request.POST.get("open") and notification.link:
        return redirect(notification.link)
    return _back(request)


@login_required
@require_POST
def read_all(request):
    n = services.notification_mark_read(user=request.user)
    messages.success(request, f"已将{n}条通知标记为已读" if n else "没有未读通知")
    return _back(request)


def _back(request):
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
        return redirect(nxt)
    return redirect("notifications:inbox")


# ---------------------------------------------------------------- group robots


@login_required
def webhook_list(request):
    institution = _department(request)
    webhooks = Webhook.objects.filter(institution=institution).select_related("unit")
    return render(
        request, "notifications/webhook_list.html", {"institution": institution, "webhooks": webhooks}
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_create(request):
    institution = _department(request)
    return _webhook_form(request, institution, None)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request, pk: int):
    institution = _department(request)
    webhook = get_object_or_404(Webhook.objects.select_related("unit"), pk=pk, institution=institution)
    return _webhook_form(request, institution, webhook)


def _webhook_form(request, institution, webhook):
    form = WebhookForm(request.POST or None, institution=institution, webhook=webhook)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.webhook_save(
                institution=institution,
                user=request.user,
                webhook=webhook,
                name=data["name"],
                channel=data["channel"],
                unit=data["unit"],
                enabled=data["enabled"],
                url=data["url"],
                secret=data["secret"],
                clear_secret=data.get("clear_secret", False),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存群机器人“{saved.name}”")
            return redirect("notifications:webhook_edit", pk=saved.pk)
    history = ActionLog.objects.for_object(webhook).select_related("user")[:50] if webhook else []
    return render(
        request,
        "notifications/webhook_form.html",
        {"institution": institution, "webhook": webhook, "form": form, "history": history},
    )


@login_required
@require_POST
def webhook_test(request, pk: int):
    institution = _department(request)
    webhook = get_object_or_404(Webhook, pk=pk, institution=institution)
    ok, message = services.webhook_test(webhook=webhook, user=request.user)
    (messages.success if ok else messages.error)(request, message)
    return redirect("notifications:webhook_edit", pk=webhook.pk)


# ---------------------------------------------------------------- deliveries


@login_required
def delivery_list(request):
    institution = _department(request)
    form = DeliveryFilterForm(request.GET or None)
    qs = Delivery.objects.filter(institution=institution).select_related("webhook")
    if form.is_valid():
        if form.cleaned_data["state"]:
            qs = qs.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["channel"]:
            qs = qs.filter(channel=form.cleaned_data["channel"])
    page, query = paginate(request, qs)
    rows = [(d, services.delivery_target_label(d)) for d in page]
    return render(
        request,
        "notifications/delivery_list.html",
        {
            "institution": institution,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "failed": Delivery.objects.filter(institution=institution, state=DeliveryState.FAILED).count(),
        },
    )


@login_required
@require_POST
def delivery_retry(request, pk: int):
    institution = _department(request)
    delivery = get_object_or_404(Delivery, pk=pk, institution=institution)
    try:
        services.delivery_retry(delivery=delivery, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新加入发送队列，将在一分钟内发送")
    return redirect("notifications:delivery_list")
