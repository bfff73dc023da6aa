from django import forms

from .models import WorkdayOverride


class OverrideForm(forms.Form):
    date = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    is_workday = forms.TypedChoiceField(
        label="安排",
        choices=[("0", "放假"), ("1", "上班")],
        coerce=lambda value: value == "1",
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label="名称",
        max_length=WorkdayOverride._meta.get_field("name").max_length,
        required=False,
        help_text="如：春节、校庆调休",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class OverrideDeleteForm(forms.Form):
    date = forms.DateField(label="日期")


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label="节假日安排文件",
        help_text="纯文本，UTF-8 或 GBK 编码，格式见下例",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".txt,text/plain"}),
    )
