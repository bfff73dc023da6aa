"""Pack-specific pieces of the Institution admin (registered in mediagov.org.admin).

A pack is only ever written by `policy_load` (validated, audited); the admin shows it and can reload a
shipped pack, but never edits the JSON directly.
"""

from django.contrib import admin, messages
from django.utils.html import format_html

from mediagov.core.errors import DomainError

from .services import PackInvalidError, policy_apply_shipped, policy_describe, shipped_pack_codes


@admin.display(description="政策包概要")
def pack_summary(institution) -> str:
    if not institution.pack:
        return "尚未加载政策包"
    text = "\n".join(policy_describe(pack=institution.policy))
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


@admin.action(description="重新加载内置政策包", permissions=["change"])
def reload_shipped_pack(modeladmin, request, queryset) -> None:
    shipped = set(shipped_pack_codes())
    for institution in queryset:
        if institution.code not in shipped:
            modeladmin.message_user(
                request,
                f"{institution.name}：没有代码为“{institution.code}”的内置政策包，请用 mediagov policy load 加载",
                messages.WARNING,
            )
            continue
        try:
            result = policy_apply_shipped(institution.code, user=request.user)
        except PackInvalidError as exc:
            modeladmin.message_user(request, f"{institution.name}：{exc.message}", messages.ERROR)
            continue
        except DomainError as exc:
            modeladmin.message_user(request, f"{institution.name}：{exc}", messages.ERROR)
            continue
        note = "" if result.pack_changed else "（内容与上次加载相同）"
        modeladmin.message_user(
            request,
            f"{institution.name}：已重新加载政策包{note}，新建单位 {len(result.units_created)} 个，"
            f"更新单位 {len(result.units_updated)} 个",
            messages.SUCCESS,
        )
