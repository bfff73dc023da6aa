from django import forms

from mediagov.registry.platforms import Platform


class NameWatchUploadForm(forms.Form):
    file = forms.FileField(label="发现的帐号清单（.xlsx 或 .csv）")


class NameWatchEntryForm(forms.Form):
    platform = forms.ChoiceField(label="平台", choices=Platform.choices)
    name = forms.CharField(label="名称", max_length=200)
    handle = forms.CharField(label="帐号ID", max_length=300, required=False)
    url = forms.CharField(label="链接", max_length=500, required=False)
    bio = forms.CharField(label="简介", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    followers = forms.IntegerField(label="粉丝数", min_value=0, required=False)


# ---------------------------------------------------------------- 先审后发
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReviewForm(forms.Form):
    account = forms.ModelChoiceField(label="发布帐号", queryset=None)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 12}))
    links = forms.CharField(
        label="链接（每行一个）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="原文、视频等网址",
    )
    attachments_text = forms.CharField(
        label="附件文字",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="图片、视频中的文字或无法上传的附件内容，粘贴在此一并筛查",
    )
    files = MultipleFileField(
        label="附件", required=False, help_text="支持 .txt、.docx、.xlsx、.pdf，可多选；文字将被提取并筛查"
    )

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accounts is None:
            del self.fields["account"]
        else:
            self.fields["account"].queryset = accounts
        for name, field in self.fields.items():
            css = "form-select" if name == "account" else "form-control"
            field.widget.attrs.setdefault("class", css)


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论",
        choices=[("approved", "同意发布"), ("returned", "退回修改"), ("rejected", "不予发布")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "class": "form-control", "placeholder": "退回修改或不予发布时必填"}
        ),
    )
    override = forms.BooleanField(
        label="确认放行阻止发布的命中",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    override_reason = forms.CharField(
        label="放行理由", required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


# ---------------------------------------------------------------- lexicons
class LexiconImportForm(forms.Form):
    file = forms.FileField(label="词库文件（.csv、.xlsx 或 .txt）")
    name = forms.CharField(label="词库名称", max_length=100)
    category = forms.ChoiceField(
        label="类别（仅 .txt 文件）",
        required=False,
        choices=[("", "—")],
        help_text=".txt 文件每行一个词条，全部归入此类别",
    )
    mode = forms.ChoiceField(
        label="导入方式",
        choices=[("replace", "替换：文件即词库的全部内容"), ("append", "追加：新增或更新文件中的词条")],
        initial="replace",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        from .models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *Category.choices]
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["name"].widget.attrs["class"] = "form-control"
        self.fields["category"].widget.attrs["class"] = "form-select"


class LexiconTryForm(forms.Form):
    text = forms.CharField(
        label="试筛文本",
        max_length=20000,
        widget=forms.Textarea(
            attrs={"rows": 4, "class": "form-control", "placeholder": "粘贴一段文字，查看命中的词条"}
        ),
    )
