"""`{% account_activity account %}`: an account's posts per month, last post and longest gap, for the
account page (registry/account_detail.html). The page has already checked that the user may see the account."""

from django import template
from django.utils import timezone

from mediagov.dashboard.charts import account_timeline, timeline_option

register = template.Library()


@register.inclusion_tag("dashboard/_account_activity.html")
def account_activity(account):
    today = timezone.localdate()
    timeline = account_timeline(account, today)
    return {
        "timeline": timeline,
        "option": timeline_option(timeline),
        "png_name": f"每月发布-{account.name}-{today:%Y%m%d}",
    }
