from django import forms

from mediagov.org.models import Person, Unit

from .models import AppCategory, FilingKind, ManagerRole, MediaAccount, StepDecision
from .services import CHANGEABLE_FIELDS

# The facts of both annex forms: the platform (fixed once registered) and every field a change filing may change.
ACCOUNT_FIELDS = ["platform", *CHANGEABLE_FIELDS]


class DateInput(forms.DateInput):
    input_type = "date"


class AccountForm(forms.ModelForm):
    """The facts of both annex forms. Units and people are limited to the user's institution and scope."""

    url = forms.URLField(
        label="主页链接",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="粘贴帐号主页链接，系统自动识别平台和帐号标识",
    )

    class Meta:
        model = MediaAccount
        fields = ACCOUNT_FIELDS
        widgets = {"created_on": DateInput(), "planned_open_on": DateInput()}
        help_texts = {
            "is_main": "一个单位在一个平台上原则上只能开设一个主体账户",
            "payment_approved_by": "如财务处、网络与信息化中心、教育发展基金会",
        }

    def __init__(self, *args, institution, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.fields["responsible_unit"].queryset = units
        people = Person.objects.filter(institution=institution, on_roster=True).select_related("unit")
        for name in ("first_responsible", "direct_responsible", "guiding_teacher"):
            self.fields[name].queryset = people
        self.fields["app_category"].choices = [("", "—")] + list(AppCategory.choices)
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean(self):
        data = super().clean()
        if data.get("platform") == "app" and not data.get("app_category"):
            self.add_error("app_category", "移动客户端须选择类型（第八条）")
        return data


class ManagerForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=ManagerRole.choices)
    person = forms.ModelChoiceField(label="教职工", queryset=Person.objects.none(), required=False)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    title = forms.CharField(label="职务", max_length=60, required=False)
    phone = forms.CharField(label="电话", max_length=40, required=False)
    email = forms.EmailField(label="邮箱", required=False)

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(institution=institution, on_roster=True)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("name"):
            if any(data.get(k) for k in ("title", "phone", "email")):
                raise forms.ValidationError("请选择教职工或填写姓名")
        return data

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not data or (not data.get("person") and not data.get("name")):
            return None
        person = data.get("person")
        return {
            "role": data["role"],
            "person": person.pk if person else None,
            "name": data.get("name") or (person.name if person else ""),
            "title": data.get("title") or (person.title if person else ""),
            "phone": data.get("phone") or (person.phone if person else ""),
            "email": data.get("email") or (person.email if person else ""),
        }


ManagerFormSet = forms.formset_factory(ManagerForm, extra=0, max_num=12)


def manager_initial(account=None) -> list[dict]:
    rows = []
    if account is not None:
        rows = [
            {
                "role": m.role,
                "person": m.person_id,
                "name": m.name,
                "title": m.title,
                "phone": m.phone,
                "email": m.email,
            }
            for m in account.managers.all()
        ]
    if not any(r["role"] == ManagerRole.LEADER for r in rows):
        rows.insert(0, {"role": ManagerRole.LEADER})
    while len(rows) < 4:
        rows.append({"role": ManagerRole.ADMIN})
    return rows


class NewFilingKindForm(forms.Form):
    kind = forms.ChoiceField(label="备案类型", widget=forms.RadioSelect)

    def __init__(self, *args, pack, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [k for k in (FilingKind.NEW, FilingKind.LEGACY) if k in pack.filing_kinds]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["kind"].initial = FilingKind.NEW


class ChangeEventForm(forms.Form):
    event_date = forms.DateField(label="变更发生日期", widget=DateInput(attrs={"class": "form-control"}))
    reason = forms.CharField(
        label="变更说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class CancelForm(forms.Form):
    event_date = forms.DateField(label="关停日期", widget=DateInput(attrs={"class": "form-control"}))
    reason = forms.CharField(
        label="注销原因", widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批结论",
        choices=[
            (d.value, d.label) for d in (StepDecision.APPROVED, StepDecision.RETURNED, StepDecision.REJECTED)
        ],
        widget=forms.RadioSelect,
        initial=StepDecision.APPROVED,
    )
    opinion = forms.CharField(
        label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), required=False)
    platform = forms.ChoiceField(label="平台", required=False)
    status = forms.ChoiceField(label="状态", required=False)
    owner_kind = forms.ChoiceField(label="主体类别", required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        f = MediaAccount._meta.get_field
        self.fields["platform"].choices = [("", "全部平台")] + list(f("platform").choices)
        self.fields["status"].choices = [("", "全部状态")] + list(f("status").choices)
        self.fields["owner_kind"].choices = [("", "全部类别")] + list(f("owner_kind").choices)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )


class UploadForm(forms.Form):
    file = forms.FileField(label="文件（.xlsx 或 .csv）")
