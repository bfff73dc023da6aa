from django.urls import path

from . import lexicon_views, review_views, views

app_name = "screening"
urlpatterns = [
    path("lexicons/", lexicon_views.lexicon_list, name="lexicon_list"),
    path("lexicons/rescreen/", lexicon_views.lexicon_rescreen, name="lexicon_rescreen"),
    path("lexicons/<int:pk>/", lexicon_views.lexicon_detail, name="lexicon_detail"),
    path("lexicons/<int:pk>/export.<str:fmt>", lexicon_views.lexicon_download, name="lexicon_download"),
    path("namewatch/", views.namewatch, name="namewatch"),
    path("namewatch/<int:pk>/notice.docx", views.namewatch_notice, name="namewatch_notice"),
    # 先审后发 (review before publishing)
    path("reviews/", review_views.review_list, name="review_list"),
    path("reviews/new/", review_views.review_create, name="review_create"),
    path("reviews/precheck/", review_views.review_precheck, name="review_precheck"),
    path("reviews/<int:pk>/", review_views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", review_views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/submit/", review_views.review_submit, name="review_submit"),
    path("reviews/<int:pk>/decide/", review_views.review_decide, name="review_decide"),
    path("reviews/<int:pk>/withdraw/", review_views.review_withdraw, name="review_withdraw"),
    path("reviews/attachments/<int:pk>/", review_views.review_attachment, name="review_attachment"),
]
