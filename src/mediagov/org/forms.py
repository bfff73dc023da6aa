from django import forms

from .models import Unit

ON_STAFF_CHOICES = [("", "全部人员"), ("1", "在岗在编"), ("0", "非在岗在编")]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    on_staff = forms.ChoiceField(label="在岗在编", choices=ON_STAFF_CHOICES, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["q"].widget.attrs["placeholder"] = "工号、姓名、电话或邮箱"
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名册文件（.xlsx 或 .csv）")
    mark_missing_off_roster = forms.BooleanField(
        label="文件中没有的人员标记为“不在名册”",
        required=False,
        help_text="适用于上传全校完整名册；只更新部分人员时请勿勾选",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["mark_missing_off_roster"].widget.attrs["class"] = "form-check-input"
