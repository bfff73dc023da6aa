from django import forms

from mediagov.registry.models import MediaAccount


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MediaAccount) -> str:
        return f"{obj.name}（{obj.get_platform_display()}）"


class PostFilterForm(forms.Form):
    q = forms.CharField(label="搜索标题", required=False)
    account = AccountChoiceField(
        label="帐号", queryset=MediaAccount.objects.none(), required=False, empty_label="全部帐号"
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["q"].widget.attrs["placeholder"] = "标题关键词"
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )
