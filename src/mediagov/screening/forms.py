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
