"""Platforms (DUT 第二条 plus 抖音, 快手, B站, 小红书, 视频号) and per-platform URL/handle normalisers."""

from django.db import models


class Platform(models.TextChoices):
    WECHAT = "wechat", "微信公众号"
    WEIBO = "weibo", "微博"
    TOUTIAO = "toutiao", "今日头条"
    QQ = "qq", "QQ公众平台"
    PENGUIN = "penguin", "企鹅自媒体平台"
    BAIJIAHAO = "baijiahao", "百家号"
    ZHIHU = "zhihu", "知乎"
    TIEBA = "tieba", "百度贴吧"
    NEWS_SITE = "news_site", "新闻网站"
    VIDEO_SITE = "video_site", "视频网站"
    DOUYIN = "douyin", "抖音"
    KUAISHOU = "kuaishou", "快手"
    BILIBILI = "bilibili", "B站"
    XIAOHONGSHU = "xiaohongshu", "小红书"
    CHANNELS = "channels", "视频号"
    APP = "app", "移动客户端（APP）"
    OTHER = "other", "其他"
