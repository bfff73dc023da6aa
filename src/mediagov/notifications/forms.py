from django import forms
from django.core.validators import URLValidator

from mediagov.core.crypto import secret_mask
from mediagov.org.models import Unit

from .models import Channel, DeliveryState, Webhook

ROBOT_CHANNELS = [(Channel.WECOM, Channel.WECOM.label), (Channel.DINGTALK, Channel.DINGTALK.label)]


class WebhookForm(forms.Form):
    """A group robot. The URL and the secret are write-only: never filled in, empty keeps the saved value."""

    name = forms.CharField(label="名称", max_length=100, help_text="例如：化工学院新媒体工作群")
    channel = forms.ChoiceField(label="渠道", choices=ROBOT_CHANNELS)
    unit = forms.ModelChoiceField(
        label="适用范围",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全校（所有单位的提醒）",
        help_text="选择单位时，只推送该单位及其下级单位帐号的提醒",
    )
    url = forms.CharField(
        label="Webhook 地址",
        max_length=1000,
        required=False,
        validators=[URLValidator(schemes=["https", "http"])],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label="加签密钥（钉钉，可选）",
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_secret = forms.BooleanField(label="清除已保存的加签密钥", required=False)
    enabled = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, institution, webhook: Webhook | None = None, **kwargs):
        self.webhook = webhook
        if webhook is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": webhook.name,
                    "channel": webhook.channel,
                    "unit": webhook.unit_id,
                    "enabled": webhook.enabled,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(institution=institution).order_by("path")
        if webhook is None:
            self.fields["url"].help_text = "在群设置 → 群机器人中复制，保存后不再显示"
            self.fields["secret"].help_text = "钉钉机器人安全设置选择“加签”时填写（SEC 开头），保存后不再显示"
            del self.fields["clear_secret"]
        else:
            self.fields["url"].help_text = f"当前：{secret_mask(webhook.url)}。留空则保留原地址"
            self.fields["secret"].help_text = f"当前：{secret_mask(webhook.secret)}。留空则保留原密钥"
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if self.webhook is None and not data.get("url") and "url" not in self.errors:
            self.add_error("url", "请填写 Webhook 地址")
        if data.get("channel") == Channel.WECOM and data.get("secret"):
            self.add_error("secret", "企业微信群机器人不使用加签密钥")
        return data


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="状态", choices=[("", "全部状态"), *DeliveryState.choices], required=False
    )
    channel = forms.ChoiceField(
        label="渠道",
        choices=[("", "全部渠道")] + [(c.value, c.label) for c in Channel if c != Channel.INAPP],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
