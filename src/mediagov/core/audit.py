"""`log_action`: the one way services record what happened (痕迹管理)."""

from django.contrib.contenttypes.models import ContentType

from .middleware import client_ip, current_request

ACTION_LABELS = {
    "account.created": "登记帐号",
    "account.updated": "修改帐号信息",
    "account.imported": "台账导入",
    "account.status_changed": "帐号状态变更",
    "filing.created": "创建备案",
    "filing.submitted": "提交备案",
    "filing.resubmitted": "重新提交备案",
    "filing.approved": "审批通过",
    "filing.returned": "退回修改",
    "filing.rejected": "不予通过",
    "filing.withdrawn": "撤回备案",
    "filing.step_approved": "环节同意",
    "filing.form_exported": "导出备案审批表",
    "person.imported": "导入教职工名册",
    "post.imported": "导入发布记录",
    "import.uploaded": "上传导入文件",
    "import.previewed": "导入预检通过",
    "import.confirmed": "确认导入",
    "import.done": "导入完成",
    "import.failed": "导入未通过",
    "post.added": "新增发布记录（订阅/平台接口）",
    "source.created": "新增数据来源",
    "source.updated": "修改数据来源",
    "source.failed": "数据来源获取出错",
    "source.recovered": "数据来源恢复正常",
    "report.prefilled": "生成月报表",
    "report.updated": "修改月报表",
    "report.submitted": "报送月报表",
    "report.unit_opinion": "签署单位意见",
    "report.department_opinion": "签署党委宣传部意见",
    "report.exported": "导出月报表",
    "policy.loaded": "加载政策包",
    "calendar.imported": "导入节假日安排",
    "calendar.override_saved": "修改节假日调整",
    "webhook.created": "新增群机器人",
    "webhook.updated": "修改群机器人",
    "webhook.tested": "测试群机器人",
    "delivery.retried": "重试外部推送",
    "finding.opened": "发现问题",
    "finding.resolved": "问题消除自动关闭",
    "finding.acknowledged": "确认问题",
    "finding.rectified": "报告整改",
    "finding.verified": "核验整改并关闭",
    "finding.rectification_rejected": "退回整改",
    "finding.waived": "豁免问题",
    "sanction.issued": "作出处理决定",
    "sanction.escalated": "处理升级",
    "sanction.lifted": "解除处理、恢复运营",
    "scan.run": "合规扫描",
    "review.created": "撰写稿件（先审后发）",
    "review.updated": "修改稿件",
    "review.attached": "添加稿件附件",
    "review.detached": "移除稿件附件",
    "review.attachment_downloaded": "下载稿件附件",
    "review.submitted": "提交稿件审核",
    "review.resubmitted": "重新提交稿件审核",
    "review.level_approved": "审级同意",
    "review.approved": "审核通过，可以发布",
    "review.returned": "退回修改",
    "review.rejected": "不予发布",
    "review.withdrawn": "撤回稿件",
}


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def log_action(obj, action: str, *, user=None, data: dict | None = None, request=None, institution=None):
    """Record `action` on `obj`. The user and address default to the current request's."""
    from .models import ActionLog

    request = request or current_request()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    if institution is None:
        institution = getattr(obj, "institution", None)
    return ActionLog.objects.create(
        institution=institution,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action=action,
        user=user,
        ip=client_ip(request),
        data=_json_safe(data or {}),
    )
