"""Posts pages: the list of what the user's accounts published, and the posts import. Thin: scope, form,
service, message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from mediagov.core.errors import ImportFileError
from mediagov.core.scoping import is_department
from mediagov.core.views import institution_or_403, paginate
from mediagov.registry.models import MediaAccount

from . import imports
from .forms import PostFilterForm, PostImportForm
from .models import Post

ERRORS_SHOWN = 500  # row errors listed on the page; the rest are counted


@login_required
def post_list(request):
    institution = institution_or_403(request)
    accounts = MediaAccount.objects.visible_to(request.user).filter(institution=institution)
    form = PostFilterForm(request.GET or None, accounts=accounts.order_by("name", "pk"))
    posts = Post.objects.filter(account__in=accounts).select_related("account")
    if form.is_valid():
        if form.cleaned_data["account"]:
            posts = posts.filter(account=form.cleaned_data["account"])
        if q := form.cleaned_data["q"].strip():
            posts = posts.filter(title__icontains=q)
    elif form.is_bound:
        posts = posts.none()  # an account outside the user's scope is not a filter they can use
    page, query = paginate(request, posts)
    return render(
        request,
        "activity/post_list.html",
        {
            "institution": institution,
            "form": form,
            "page": page,
            "query": query,
            "can_import": request.user.has_perm("activity.import_posts", institution),
        },
    )


@login_required
def post_import(request):
    institution = institution_or_403(request)
    if not request.user.has_perm("activity.import_posts", institution):
        raise PermissionDenied("只有党委宣传部和帐号所属单位的人员可以导入发布记录")
    form = PostImportForm(request.POST or None, request.FILES or None)
    error = None
    result = None
    filename = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        filename = upload.name
        dry_run = form.cleaned_data["dry_run"]
        try:
            result = imports.post_import(
                institution=institution,
                data=upload.read(),
                filename=upload.name,
                user=request.user,
                dry_run=dry_run,
            )
        except ImportFileError as exc:
            error = exc
        else:
            if not dry_run:
                messages.success(
                    request,
                    f"发布记录导入完成：新增{result.created}条，已存在{result.skipped_existing}条",
                )
    return render(
        request,
        "activity/post_import.html",
        {
            "institution": institution,
            "form": form,
            "error": error,
            "row_errors": error.errors[:ERRORS_SHOWN] if error else [],
            "more_errors": max(len(error.errors) - ERRORS_SHOWN, 0) if error else 0,
            "filename": filename,
            "result": result,
            "department": is_department(request.user, institution),
            "required": imports.REQUIRED_HEADERS,
            "optional": [c for c in imports.COLUMNS if c not in imports.REQUIRED_HEADERS],
        },
    )
