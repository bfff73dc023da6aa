"""Posts pages: the list of what the user's accounts published (the import is in mediagov.imports). Thin:
scope, form, service."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from mediagov.core.views import institution_or_403, paginate
from mediagov.registry.models import MediaAccount

from .forms import PostFilterForm
from .models import Post


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
