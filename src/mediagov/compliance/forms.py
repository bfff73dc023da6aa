"""Forms of the compliance pages. They only parse input; the services decide what is allowed."""

from django import forms

from .models import FindingState, SanctionLevel, Severity

STATE_CHOICES = [
    ("", "未关闭的问题"),
    ("done", "已关闭的问题"),
    ("all", "全部状态"),
    *FindingState.choices,
]


class DateInput(forms.DateInput):
    input_type = "date"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class FindingFilterForm(forms.Form):
    q = forms.CharField(
        label="帐号名称", required=False, widget=forms.TextInput(attrs={"placeholder": "搜索帐号名称"})
    )
    state = forms.ChoiceField(label="状态", choices=STATE_CHOICES, required=False)
    severity = forms.ChoiceField(
        label="严重程度", choices=[("", "全部严重程度"), *Severity.choices], required=False
    )
    rule = forms.ChoiceField(label="规则", required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=None, required=False, empty_label="全部单位")
    overdue = forms.BooleanField(label="仅看逾期", required=False)

    def __init__(self, *args, rules, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "全部规则")] + [(r.id, f"{r.article} {r.label}") for r in rules]
        self.fields["unit"].queryset = units
        _style(self)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label="说明（可选）", required=False, max_length=1000)


class RectifyForm(forms.Form):
    description = forms.CharField(
        label="整改情况", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    url = forms.URLField(label="整改佐证链接（可选）", required=False, max_length=1000, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class NoteForm(forms.Form):
    """Verify (note optional), reject a rectification (note required by the service)."""

    note = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class WaiveForm(forms.Form):
    reason = forms.CharField(label="豁免理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class SanctionForm(forms.Form):
    level = forms.ChoiceField(label="处理措施", choices=SanctionLevel.choices, widget=forms.RadioSelect)
    findings = forms.ModelMultipleChoiceField(
        label="依据问题", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label="处理理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label="整改期限（可选）",
        required=False,
        widget=DateInput(),
        help_text="不填写时按政策包规定的整改期限自动计算；注销账号无整改期限",
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = findings
        self.fields["findings"].label_from_instance = lambda f: (
            f"{f.title}（{f.citation}，{f.get_state_display()}）"
        )
        _style(self)


class LiftForm(forms.Form):
    note = forms.CharField(
        label="解除说明（整改核验情况）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
