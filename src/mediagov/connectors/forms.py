from django import forms
from django.core.validators import URLValidator

from mediagov.core.crypto import secret_mask
from mediagov.registry.models import MediaAccount

from .base import kind_choices
from .models import Source, SourceStatus


class SourceForm(forms.Form):
    """A source. The AppSecret is write-only: never filled in, empty keeps the saved one; only the IT center
    gets the field at all (`can_set_secret`)."""

    account = forms.ModelChoiceField(label="帐号", queryset=MediaAccount.objects.none())
    kind = forms.ChoiceField(label="类型", choices=())
    enabled = forms.BooleanField(label="启用（按计划自动获取）", required=False, initial=True)
    url = forms.CharField(
        label="订阅地址（RSS/Atom）",
        max_length=1000,
        required=False,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="类型为 RSS/Atom 订阅时填写，例如学院网站新闻栏目的 RSS 地址",
    )
    app_id = forms.CharField(
        label="AppID",
        max_length=64,
        required=False,
        help_text="微信公众平台“设置与开发 → 基本配置”中的开发者ID（AppID）",
    )
    app_secret = forms.CharField(
        label="AppSecret",
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_secret = forms.BooleanField(label="清除已保存的 AppSecret", required=False)
    api_base = forms.CharField(
        label="接口地址（可选）",
        max_length=300,
        required=False,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="留空使用系统设置（默认 https://api.weixin.qq.com）；仅在经代理访问时填写",
    )

    def __init__(self, *args, institution, source: Source | None = None, can_set_secret: bool, **kwargs):
        self.source = source
        if source is not None:
            kwargs.setdefault(
                "initial",
                {
                    "enabled": source.enabled,
                    "url": source.url,
                    "app_id": source.app_id,
                    "api_base": source.api_base,
                },
            )
        super().__init__(*args, **kwargs)
        if source is None:
            self.fields["account"].queryset = (
                MediaAccount.objects.filter(institution=institution).alive().order_by("name")
            )
            self.fields["kind"].choices = kind_choices()
            del self.fields["clear_secret"]
        else:
            del self.fields["account"], self.fields["kind"]
            from .base import connector_for

            used = connector_for(source.kind).settings_used
            for name in ("url", "app_id", "app_secret", "api_base"):
                if name not in used:
                    del self.fields[name]
            if "clear_secret" in self.fields and not source.app_secret:
                del self.fields["clear_secret"]
        if "app_secret" in self.fields:
            current = f"当前：{secret_mask(source.app_secret)}。" if source is not None else ""
            if can_set_secret:
                self.fields[
                    "app_secret"
                ].help_text = f"{current}类型为微信公众号接口时填写；保存后加密存储，不再显示。留空则保留原值"
            else:
                del self.fields["app_secret"]
                self.fields.pop("clear_secret", None)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs.setdefault("class", "form-control")


class SourceFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=())
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *SourceStatus.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类型"), *kind_choices()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
