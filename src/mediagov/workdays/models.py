from django.conf import settings
from django.db import models


class CalendarYear(models.Model):
    """A year whose holidays and adjusted working days were imported from a State Council notice."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.TextField("来源", blank=True)
    loaded_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "已导入年度"
        verbose_name_plural = "已导入年度"

    def __str__(self) -> str:
        return f"{self.year}年"


class WorkdayOverride(models.Model):
    """One day declared a working day or a day off; wins over the chinese-calendar package data."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否上班", help_text="勾选表示当天上班（调休上班），不勾选表示放假")
    name = models.CharField("名称", max_length=100, blank=True, help_text="如：春节、国庆节")
    source = models.TextField("来源", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".rstrip()
