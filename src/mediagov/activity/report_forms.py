"""Forms of the monthly report pages: the filter of the month's list, the report itself and an opinion."""

from django import forms

from .models import Report, ReportState


class ReportFilterForm(forms.Form):
    month = forms.CharField(label="月份", required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=None, required=False, empty_label="全部单位")
    state = forms.ChoiceField(label="状态", required=False)
    late = forms.BooleanField(label="仅逾期", required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["state"].choices = [("", "全部状态"), *ReportState.choices, ("awaiting_me", "待我处理")]
        self.fields["month"].widget = forms.TextInput(attrs={"type": "month"})
        for name, field in self.fields.items():
            if name == "late":
                field.widget.attrs["class"] = "form-check-input"
            elif hasattr(field, "choices"):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"


class ReportForm(forms.ModelForm):
    classified = forms.TypedChoiceField(
        label="是否涉密",
        choices=[("False", "否"), ("True", "是")],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
        help_text="填“是”时月报表报送后直接送党委宣传部",
    )

    class Meta:
        model = Report
        fields = ["post_count", "topics", "classified", "note"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 12}), "note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"topics": "已按当月发布记录预填（日期 标题），可修改；内容较多时导出的报表附页列出"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post_count"].required = True
        self.fields["post_count"].min_value = 0
        for name, field in self.fields.items():
            if name != "classified":
                field.widget.attrs["class"] = "form-control"


class OpinionForm(forms.Form):
    opinion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
