from django import forms
from django.conf import settings

from mediagov.activity.imports import LAYOUTS
from mediagov.core.tabular import _human_size
from mediagov.registry.models import MediaAccount

EXPORT_PLATFORMS = [layout.platform for layout in LAYOUTS.values() if layout.single_account]


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MediaAccount) -> str:
        return f"{obj.name}（{obj.get_platform_display()}）"


def importable_accounts(user, institution):
    """Accounts of `institution` with a back-office export layout that `user` may import posts for
    (registry.file_account: the department all, unit staff their units')."""
    accounts = (
        MediaAccount.objects.visible_to(user)
        .filter(institution=institution, platform__in=EXPORT_PLATFORMS)
        .select_related("responsible_unit")
        .order_by("platform", "name", "pk")
    )
    allowed = [a.pk for a in accounts if user.has_perm("registry.file_account", a)]
    return MediaAccount.objects.filter(pk__in=allowed).order_by("platform", "name", "pk")


class PostUploadForm(forms.Form):
    file = forms.FileField(label="发布记录文件（.xlsx 或 .csv）")
    account = AccountChoiceField(
        label="所属帐号",
        queryset=MediaAccount.objects.none(),
        required=False,
        empty_label="（文件含“平台”“帐号ID”列时不选）",
        help_text="上传微信公众号、微博、抖音后台导出的文件时，选择它属于哪个帐号",
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".csv,.xlsx"})
        self.fields["account"].widget.attrs["class"] = "form-select"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MEDIAGOV_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大（{_human_size(upload.size)}），上限为{_human_size(limit)}")
        return upload
