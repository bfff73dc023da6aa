from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Institution(models.Model):
    """One university: a tenant with its own policy pack."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    regulation_title = models.CharField("办法名称", max_length=200, blank=True)
    regulation_published = models.DateField("办法公布日期", null=True, blank=True)
    pack = models.JSONField("政策包", default=dict, blank=True)
    pack_sha256 = models.CharField(max_length=64, blank=True)
    pack_loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "学校"
        verbose_name_plural = "学校"

    def __str__(self) -> str:
        return self.name

    @property
    def policy(self):
        """The institution's PolicyPack (validated when it was loaded)."""
        from mediagov.policy.pack import PolicyPack

        cached = getattr(self, "_policy", None)
        if cached is None or cached.data is not self.pack:
            cached = PolicyPack(self.pack)
            self._policy = cached
        return cached


class UnitKind(models.TextChoices):
    """Owner kinds of DUT 第五条; the pack routes each kind to its supervising department."""

    COLLEGE = "college", "学院/职能部门"
    ADMISSIONS = "admissions", "招生"
    YOUTH = "youth", "团组织、学生组织、学生社团"
    ALUMNI = "alumni", "校友会"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派"
    STAFF_CLUB = "staff_club", "教职工文体/交友类群众组织"
    ACADEMIC_CLUB = "academic_club", "教学科研/海外联谊类群众组织"


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit):
        return self.filter(institution_id=unit.institution_id, path__startswith=unit.path)


class Unit(models.Model):
    """A campus unit (校属单位) or one of its sub-units; a tree inside one institution."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.SlugField("单位代码", max_length=40)
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, default=UnitKind.COLLEGE)
    first_responsible = models.ForeignKey(
        "Person",
        verbose_name="第一责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    path = models.CharField(max_length=400, editable=False, db_index=True, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["institution", "path"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="unit_code_unique")]
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if path != self.path:
            old = self.path
            Unit.objects.filter(pk=self.pk).update(path=path)
            self.path = path
            if old:
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.save()

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestors_and_self(self) -> list["Unit"]:
        ids = [int(x) for x in self.path.strip("/").split("/") if x]
        by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]


class PersonQuerySet(models.QuerySet):
    def on_staff(self):
        return self.filter(on_staff=True, on_roster=True)


class Person(models.Model):
    """One employee of the staff roster (教职工名册)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="people")
    staff_no = models.CharField("工号", max_length=32)
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField("职务", max_length=60, blank=True)
    on_staff = models.BooleanField("在岗在编", default=True)
    on_roster = models.BooleanField("在名册中", default=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    email = models.EmailField("邮箱", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["institution", "staff_no"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "staff_no"], name="person_staff_no_unique")
        ]
        verbose_name = "教职工"
        verbose_name_plural = "教职工名册"

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_no}）"

    @property
    def is_on_staff(self) -> bool:
        return self.on_staff and self.on_roster


class Role(models.TextChoices):
    """Roles of the glossary. The first three are institution-wide; the rest are scoped to a unit."""

    PROPAGANDA = "propaganda", "党委宣传部"
    IT_CENTER = "it_center", "网络与信息化中心"
    INTL_OFFICE = "intl_office", "国际合作与交流处"
    UNIT_PARTY = "unit_party", "二级党组织"
    SUPERVISOR = "supervisor", "归口监管部门"
    UNIT_HEAD = "unit_head", "单位负责人"
    RESPONSIBLE = "responsible", "直接责任人"
    OPERATOR = "operator", "管理员/运营人员"


INSTITUTION_WIDE_ROLES = {Role.PROPAGANDA, Role.IT_CENTER, Role.INTL_OFFICE}


class Membership(models.Model):
    """A user holds a role in an institution, and for unit roles, in a unit and its sub-units."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "institution", "role", "unit"], name="membership_unique")
        ]
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"

    def __str__(self) -> str:
        where = f" · {self.unit}" if self.unit_id else ""
        return f"{self.user} · {self.institution.short_name or self.institution} · {self.get_role_display()}{where}"
