"""API permissions. Object rules come from `mediagov.registry.rules`; scope comes from the viewset mixin."""

from rest_framework.permissions import BasePermission


class CanFileAccount(BasePermission):
    """`registry.file_account` on the (filing's) account: staff of the account's unit, or the department."""

    message = "您无权为该帐号办理备案"

    def has_object_permission(self, request, view, obj):
        account = getattr(obj, "account", obj)
        return request.user.has_perm("registry.file_account", account)
