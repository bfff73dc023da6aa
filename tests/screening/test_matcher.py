"""The matcher without the database: hits with original offsets, allowlists, articles, ad patterns."""

from mediagov.policy.pack import PolicyPack, shipped_pack_path
from mediagov.policy.validate import pack_parse
from mediagov.screening.matcher import Entry, Screener, pack_entries
from mediagov.screening.normalize import normalize_term


def pack(code: str) -> PolicyPack:
    data, errors = pack_parse(shipped_pack_path(code).read_text(encoding="utf-8"))
    assert errors == []
    return PolicyPack(data)


def entry(text, category, **kw) -> Entry:
    return Entry(term=text, pattern=normalize_term(text), category=category, lexicon="测试", version=3, **kw)


def test_hit_gives_term_category_article_and_original_offsets():
    dut = pack("dut")
    screener = Screener([entry("内部资料", "classified")], dut)
    text = "这是一份【内 部*資 料】，请勿转发"
    [hit] = screener.screen(text)
    assert (hit.term, hit.category) == ("内部资料", "classified")
    assert hit.article == "《大连理工大学新媒体管理办法》第十四条（一）"
    assert text[hit.start : hit.end] == "内 部*資 料"
    assert hit.blocks is True and hit.severity == "urgent"
    assert (hit.lexicon, hit.version) == ("测试", 3)


def test_articles_follow_the_institution_pack():
    yufe = Screener([entry("绝密", "classified"), entry("突发事件", "sensitive_topic")], pack("yufe"))
    hits = {h.category: h.article for h in yufe.screen("绝密：突发事件通报")}
    assert hits["classified"].endswith("第十一条")
    assert hits["sensitive_topic"].endswith("第十二条")


def test_protected_names_come_from_the_pack_with_its_allowlist():
    screener = Screener(pack_entries(pack("dut")), pack("dut"))
    assert screener.screen("大工业发展和大工匠精神") == []
    assert screener.screen("各单位要加大工作力度，不怕下大工夫") == []  # everyday words, not the school
    [hit] = screener.screen("欢迎关注大 工青年")
    assert hit.category == "protected_name" and hit.text == "大 工"
    assert hit.article.endswith("第九条")


def test_a_nested_hit_of_the_same_category_is_reported_once():
    screener = Screener(pack_entries(pack("dut")), pack("dut"))
    [hit] = screener.screen("大連理工大學新闻")
    assert hit.term == "大连理工大学" and (hit.start, hit.end) == (0, 6)


def test_latin_terms_need_word_boundaries():
    screener = Screener(pack_entries(pack("dut")), pack("dut"))
    assert screener.screen("and utility; induction") == []
    assert [h.text for h in screener.screen("ＤＵＴ新闻 and D*U*T")] == ["ＤＵＴ", "D*U*T"]


def test_term_allowlist_suppresses_only_covered_hits():
    screener = Screener([entry("秘密", "classified", allowlist=(normalize_term("秘密武器"),))], pack("dut"))
    text = "学习的秘密武器；另附秘密文件"
    [hit] = screener.screen(text)
    assert text[hit.start : hit.end] == "秘密" and hit.start == 10


def test_typo_hits_carry_their_correction():
    screener = Screener([entry("再接再励", "typo", correction="再接再厉")], pack("dut"))
    [hit] = screener.screen("望同学们再接再励！")
    assert hit.correction == "再接再厉" and hit.blocks is False and hit.severity == "low"


def test_ad_patterns():
    screener = Screener([], pack("dut"))
    text = "咨询138 0013 8000，加微信：abc_123456，QQ群：12345678，扫码访问 www.example.com 了解"
    hits = {h.rule: text[h.start : h.end] for h in screener.screen(text)}
    assert hits == {
        "phone": "138 0013 8000",
        "wechat": "微信：abc_123456",
        "qq": "QQ群：12345678",
        "qrcode": "扫码",
        "url": "www.example.com",
    }
    assert all(h.category == "commercial_ad" and not h.blocks for h in screener.screen(text))


def test_pattern_offsets_map_through_an_expanding_fold():
    screener = Screener([], pack("dut"))
    text = "⑩电话13800138000"
    [hit] = screener.screen(text)
    assert text[hit.start : hit.end] == "13800138000"
