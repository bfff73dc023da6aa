"""The channels on their own: WeCom and DingTalk robots against a local stand-in, e-mail through locmem."""

import base64
import hashlib
import hmac
from urllib.parse import unquote_plus

import pytest

from mediagov.notifications import channels
from mediagov.notifications.channels import ChannelError


def test_wecom_posts_markdown(robots):
    channels.wecom_send(
        robots.url("/wecom/a"), "【即将到期】化工学院", "帐号：化工学院\n依据：《办法》第七条"
    )
    (request,) = robots.to("/wecom/a")
    assert request.payload["msgtype"] == "markdown"
    content = request.payload["markdown"]["content"]
    assert "【即将到期】化工学院" in content and "《办法》第七条" in content


def test_dingtalk_signs_when_a_secret_is_set(robots):
    robots.secrets["/ding/a"] = "SEC-test-secret"
    channels.dingtalk_send(
        robots.url("/ding/a?access_token=t0k"), "SEC-test-secret", "标题", "第一行\n第二行"
    )
    (request,) = robots.to("/ding/a")
    assert request.signature_ok is True
    assert request.query["access_token"] == "t0k"
    assert request.payload == {
        "msgtype": "markdown",
        "markdown": {"title": "标题", "text": "#### 标题\n\n第一行  \n第二行"},
    }


def test_dingtalk_wrong_secret_is_refused_with_errcode(robots):
    robots.secrets["/ding/b"] = "SEC-right"
    with pytest.raises(ChannelError) as exc:
        channels.dingtalk_send(robots.url("/ding/b?access_token=x"), "SEC-wrong", "标题", "内容")
    assert "errcode=310000" in str(exc.value) and "sign not match" in str(exc.value)


def test_dingtalk_without_secret_sends_no_signature(robots):
    channels.dingtalk_send(robots.url("/ding/c?access_token=x"), "", "标题", "内容")
    (request,) = robots.to("/ding/c")
    assert "sign" not in request.query and "timestamp" not in request.query


def test_signature_is_url_encoded_base64_of_hmac_sha256():
    sign = channels.dingtalk_sign("SECabc", "1577262236757")
    expected = hmac.new(b"SECabc", b"1577262236757\nSECabc", hashlib.sha256).digest()
    assert base64.b64decode(unquote_plus(sign)) == expected
    assert "+" not in sign and "/" not in sign and "=" not in sign
    url = channels.dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", timestamp="1"
    )
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1&sign=")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (("errcode", 93000, "invalid webhook url"), "errcode=93000，errmsg=invalid webhook url"),
        (("http", 500), "HTTP 500"),
        (("html",), "不是 JSON"),
    ],
)
def test_failures_are_channel_errors_in_chinese(robots, answer, expected):
    robots.set("/wecom/bad", *answer)
    with pytest.raises(ChannelError) as exc:
        channels.wecom_send(robots.url("/wecom/bad?key=SECRET-KEY"), "标题", "内容")
    assert expected in str(exc.value)
    assert "SECRET-KEY" not in str(exc.value)


def test_a_slow_robot_times_out(robots, monkeypatch):
    monkeypatch.setattr(channels, "TIMEOUT", 0.3)
    robots.set("/wecom/slow", "slow", 1.5)
    with pytest.raises(ChannelError) as exc:
        channels.wecom_send(robots.url("/wecom/slow?key=SECRET-KEY"), "标题", "内容")
    assert "没有响应" in str(exc.value) and "SECRET-KEY" not in str(exc.value)


def test_unreachable_robot_is_a_channel_error(robots):
    robots_port_closed = "http://127.0.0.1:9/cgi-bin/webhook/send?key=SECRET-KEY"
    with pytest.raises(ChannelError) as exc:
        channels.wecom_send(robots_port_closed, "标题", "内容")
    assert "无法连接" in str(exc.value) and "SECRET-KEY" not in str(exc.value)


def test_long_content_is_cut_to_the_wecom_limit(robots):
    channels.wecom_send(robots.url("/wecom/long"), "标题", "很长的内容" * 2000)
    (request,) = robots.to("/wecom/long")
    assert len(request.payload["markdown"]["content"].encode()) <= 4096


def test_email_goes_through_django_mail(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "mediagov@dlut.edu.cn"
    channels.email_send("10001@example.edu.cn", "【即将到期】化工学院", "请尽快整改")
    (message,) = mailoutbox
    assert message.to == ["10001@example.edu.cn"]
    assert message.subject == "【即将到期】化工学院"
    assert message.from_email == "mediagov@dlut.edu.cn"
