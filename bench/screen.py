"""Benchmark: screening 50 MB of Chinese text against a 20,000-term lexicon, beside grep and pyahocorasick.

Everything is generated with a fixed seed, no database: a lexicon of 20,000 terms (2–6 common characters, one
in twenty with Latin letters, spread over the screening categories) and 50 MB (UTF-8) of Chinese text
(sentences of words drawn Zipf-like from the 3,755 GB2312 level-1 characters, with commas, stops, numbers,
some English; 1 % of the sentences traditional, 0.5 % with full-width letters and digits), into which one term
in every ~40 sentences is inserted, half of them plain and half disguised (interference characters, spaces,
traditional characters, repeated characters, full width). Terms and text go to temporary files.

Measured in the same run, each over the same file; grep and ours alternate, `--rounds` times (the host's speed
drifts, and the ratio should not carry it):

- **ours**, end to end, in a child process of its own (so its `ru_maxrss` is ours alone): read the file in
  pieces of 4 MiB and decode each in one call (`utf8_pieces`), `Screener.screen_stream` (normalise, match,
  map every hit back to character offsets into the whole text; see docs/screening.md), with the default
  ad-pattern rules on; `--repeat` runs a round, the best of all is printed;
- **lexicon build**: normalising the 20,000 terms and building the automaton (`Screener(...)`), once with the
  process-wide fold table cold and once warm;
- **grep**: `LC_ALL=C.UTF-8 grep -F -o -f terms.txt text.txt` (output captured, lines counted). `-o` as it must find
  every occurrence, as we do (`-c` stops at the first hit of a line and skips the rest of it); in a UTF-8
  locale so that it matches characters, as we do. It does no normalisation, so it finds only plain hits;
- **pyahocorasick + str.translate**: the obvious pure pipeline (one `str.translate` with the same fold table
  – full width, case, traditional → simplified – then `Automaton.iter` over the folded text): no interference
  characters, no repeats, no allowlists, no offset map. Skipped with a note when pyahocorasick is missing.

Printed: MB/s of each (MB = 10^6 bytes of UTF-8 input; wall clock, and for ours and grep also of CPU time,
which a busy machine disturbs less), the ratios, hits found, a correctness check (of the
inserted plain hits, ours must find every one the pyahocorasick pipeline finds; of the disguised ones we
print how many each finds), the build times and our peak memory; asserts nothing about speed.

    .venv/bin/python bench/screen.py [--mb 50] [--terms 20000] [--rounds 3] [--repeat 2] [--keep DIR]

Goals (docs/performance.md, “Screening — bench/screen.py”): ≥ 100 MB/s per core end to end, ≥ 4× grep's
MB/s, lexicon build ≤ 1 s, peak memory ≤ 200 MB.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

GOAL_MBS = 100.0
GOAL_GREP = 4.0
GOAL_BUILD_S = 1.0
GOAL_MB = 200
SEED = 2026
READ_BYTES = 1 << 22  # ours reads the file in pieces of this many bytes (utf8_pieces, screen_stream)
CATEGORIES = ["prohibited", "school_rules", "school_image", "commercial_ad", "classified", "sensitive_topic"]
LATIN = ["vx", "qq", "app", "dut", "wx", "vip", "diy", "ok", "bt", "pdf", "tv", "gg", "hk"]
NOISE = ["*", " ", "·", "\u200b", "_", "★", "-", "  ", "*~"]
PUNCT_IN = "，，，，、、：“”（）"
PUNCT_END = "。。。。。！？；"


# ---------------------------------------------------------------- generated lexicon and text
def common_chars() -> list[str]:
    """The 3,755 GB2312 level-1 characters (the commonest simplified characters)."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def make_lexicon(n_terms: int, rng: random.Random) -> list[tuple[str, str]]:
    """`n_terms` distinct (term, category): 2–6 characters, uniform over the common characters (so that they
    are rare in the text unless inserted), one in twenty with a Latin part (vx代刷, 代刷qq …)."""
    chars = common_chars()
    seen: set[str] = set()
    terms: list[tuple[str, str]] = []
    while len(terms) < n_terms:
        k = rng.choice((2, 3, 3, 4, 4, 4, 5, 6))
        term = "".join(rng.choices(chars, k=k))
        if rng.random() < 0.05:
            latin = rng.choice(LATIN)
            term = latin + term[:3] if rng.random() < 0.5 else term[:3] + latin
        if term in seen or any(a == b for a, b in zip(term, term[1:], strict=False)):
            continue
        seen.add(term)
        terms.append((term, rng.choice(CATEGORIES)))
    return terms


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _disguise(term: str, rng: random.Random, t2s_inverse) -> str:
    """One of the evasions the normaliser undoes. (Latin letters are neither collapsed nor joined across
    spaces or dots, by design: qq, www, "dut news"; so a term with a Latin part is disguised by traditional
    characters or full width only.)"""
    kind = rng.choice((1, 3)) if term.isascii() or any(_alnum(c) for c in term) else rng.randrange(5)
    if kind == 0:  # interference characters between characters
        return rng.choice(NOISE).join(term)
    if kind == 1:  # traditional characters
        return t2s_inverse(term)
    if kind == 2:  # a repeated character
        i = rng.randrange(len(term))
        return term[: i + 1] + term[i] * rng.randint(1, 2) + term[i + 1 :]
    if kind == 3:  # full width and upper case
        return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in term.upper())
    return "\u200b".join(term[:2]) + " " + term[2:] if len(term) > 2 else "*".join(term)


def make_text(target_bytes: int, terms: list[tuple[str, str]], rng: random.Random):
    """(text, inserted) where inserted lists (term, start, end, disguised) in character offsets."""
    import opencc

    s2t = opencc.OpenCC("s2t").convert
    chars = common_chars()
    weights = [1 / (i + 1) ** 0.9 for i in range(len(chars))]
    rng.shuffle(chars)
    words = ["".join(rng.choices(chars, weights, k=rng.choice((1, 2, 2, 2, 3, 4)))) for _ in range(30_000)]
    word_cum = []
    acc = 0.0
    for i in range(len(words)):
        acc += 1 / (i + 1) ** 0.7
        word_cum.append(acc)
    english = ["DUT", "app", "Python", "WiFi", "PPT", "GDP", "AI", "5G", "CPU", "iPhone"]
    pieces: list[str] = []
    inserted: list[tuple[str, int, int, bool]] = []
    length = 0  # characters so far
    size = 0  # UTF-8 bytes so far
    block = rng.choices(words, cum_weights=word_cum, k=200_000)
    bi = 0
    while size < target_bytes:
        parts: list[str] = []
        for _ in range(rng.randint(3, 12)):
            if bi + 4 >= len(block):
                block = rng.choices(words, cum_weights=word_cum, k=200_000)
                bi = 0
            n = rng.randint(1, 4)
            parts.append("".join(block[bi : bi + n]))
            bi += n
            r = rng.random()
            if r < 0.35:
                parts.append(rng.choice(PUNCT_IN))
            elif r < 0.40:
                parts.append(str(rng.randint(1, 2026)) + rng.choice("年月日条个人次"))
            elif r < 0.41:
                parts.append(" " + rng.choice(english) + " ")
        sentence = "".join(parts) + rng.choice(PUNCT_END)
        r = rng.random()
        if r < 0.01:
            sentence = s2t(sentence)
        elif r < 0.015:
            sentence = "ＤＵＴ２０２６" + sentence
        if rng.random() < 0.025:
            term = rng.choice(terms)[0]
            disguised = rng.random() < 0.5
            shown = _disguise(term, rng, s2t) if disguised else term
            cut = rng.randint(0, len(sentence) - 1)
            while cut > 0 and (_alnum(sentence[cut - 1]) or _alnum(sentence[cut])):
                cut -= 1  # not against letters or digits: a Latin term must stand apart (dut ≠ andutility)
            start = length + cut
            inserted.append((term, start, start + len(shown), disguised))
            sentence = sentence[:cut] + shown + sentence[cut:]
        if rng.random() < 0.15:
            sentence += "\n"
        pieces.append(sentence)
        length += len(sentence)
        size += len(sentence.encode("utf-8"))
    return "".join(pieces), inserted


# ---------------------------------------------------------------- orchestration
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the text in MB of UTF-8")
    parser.add_argument("--terms", type=int, default=20_000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of grep then ours (best of each is printed)"
    )
    parser.add_argument("--repeat", type=int, default=2, help="runs of ours in each round")
    parser.add_argument("--keep", help="write the generated files to this directory and keep them")
    parser.add_argument("--phase", choices=["ours"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _ours(args)
        return
    tmp = args.keep or tempfile.mkdtemp(prefix="mediagov-bench-screen-")
    os.makedirs(tmp, exist_ok=True)
    try:
        _run(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(args, tmp: str) -> None:
    t0 = time.perf_counter()
    rng = random.Random(SEED)
    terms = make_lexicon(args.terms, rng)
    text, inserted = make_text(int(args.mb * 1_000_000), terms, rng)
    paths = {name: os.path.join(tmp, name) for name in ("terms.txt", "text.txt", "inserted.json")}
    with open(paths["terms.txt"], "w", encoding="utf-8") as f:
        f.writelines(f"{term}\t{category}\n" for term, category in terms)
    with open(paths["text.txt"], "w", encoding="utf-8", newline="") as f:
        f.write(text)
    with open(paths["inserted.json"], "w", encoding="utf-8") as f:
        json.dump(inserted, f, ensure_ascii=False)
    size = os.path.getsize(paths["text.txt"])
    mb = size / 1e6
    plain = sum(1 for *_, disguised in inserted if not disguised)
    print(
        f"screen: {len(terms):,} terms, {mb:.1f} MB of text ({len(text):,} characters), {len(inserted):,} "
        f"inserted hits ({plain:,} plain, {len(inserted) - plain:,} disguised); generated in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    del text

    # grep and ours, in alternating rounds: the host's speed drifts (other virtual machines), and a ratio of
    # two figures measured minutes apart would carry the drift
    grep_terms = os.path.join(tmp, "grep-terms.txt")  # the plain terms, one per line
    with open(grep_terms, "w", encoding="utf-8") as f:
        f.writelines(f"{term}\n" for term, _ in terms)
    env = dict(os.environ, LC_ALL="C.UTF-8")
    grep_s, grep_cpu = [], []
    grep_hits = 0
    ours: dict = {}
    for _ in range(args.rounds):
        t, c = time.perf_counter(), _children_cpu()
        out = subprocess.run(
            ["grep", "-F", "-o", "-f", grep_terms, paths["text.txt"]],
            env=env,
            capture_output=True,
            check=False,
        )
        grep_s.append(time.perf_counter() - t)
        grep_cpu.append(_children_cpu() - c)
        grep_hits = out.stdout.count(b"\n")
        round_ = _ours_child(args, tmp)  # ours, in a child process of its own
        if not ours:
            ours = round_
        else:
            for key in ("seconds", "cpu_seconds"):
                ours[key] += round_[key]
            for key in ("build_cold", "build_warm"):
                ours[key] = min(ours[key], round_[key])
            ours["rss_mb"] = max(ours["rss_mb"], round_["rss_mb"])

    # pyahocorasick + str.translate (one run: it is 30-40 times slower)
    pyac = _pyahocorasick(paths, terms, inserted)

    best = min(ours["seconds"])
    ours_mbs = mb / best
    ours_cpu = mb / min(ours["cpu_seconds"])
    grep_mbs = mb / min(grep_s)
    grep_cpu_mbs = mb / min(grep_cpu)
    print(f"  ours, end to end (read, decode, normalise, match, map back): {ours_mbs:6.1f} MB/s wall")
    print(
        f"       {best:.2f} s best of {len(ours['seconds'])} ({', '.join(f'{s:.2f}' for s in ours['seconds'])});"
        f" {ours_cpu:.1f} MB/s of CPU time; {ours['hits']:,} hits"
    )
    print(f"  grep -F -o -f (LC_ALL=C.UTF-8):                               {grep_mbs:6.1f} MB/s")
    print(
        f"       {min(grep_s):.2f} s best of {len(grep_s)} ({', '.join(f'{s:.2f}' for s in grep_s)}); "
        f"{grep_cpu_mbs:.1f} MB/s of CPU time; {grep_hits:,} matches "
        "(plain terms only)"
    )
    if pyac:
        print(
            f"  pyahocorasick + str.translate:                               {mb / pyac['seconds']:6.1f} MB/s"
        )
        print(f"       {pyac['seconds']:.2f} s, one run; {pyac['hits']:,} matches")
    print(
        f"  ratio ours / grep: {ours_mbs / grep_mbs:.1f}× wall, {ours_cpu / grep_cpu_mbs:.1f}× CPU time",
        end="",
    )
    print(f"; ours / pyahocorasick: {ours_mbs / (mb / pyac['seconds']):.1f}×" if pyac else "")
    print(
        f"  lexicon build (normalise {args.terms:,} terms, build the automata): {ours['build_cold']:.2f} s "
        f"cold (fold table included), {ours['build_warm']:.2f} s warm"
    )
    print(f"  peak memory of ours (ru_maxrss): {ours['rss_mb']:.0f} MB")
    found_plain, found_disguised = ours["found_plain"], ours["found_disguised"]
    print(
        f"  inserted hits found: ours {found_plain:,}/{plain:,} plain, "
        f"{found_disguised:,}/{len(inserted) - plain:,} disguised",
        end="",
    )
    if pyac:
        missing = sorted(set(pyac["plain_ids"]) - set(ours["plain_ids"]))
        print(
            f"; pyahocorasick {len(pyac['plain_ids']):,} plain, {pyac['found_disguised']:,} disguised; "
            + (
                "ours finds every plain hit it finds: ok"
                if not missing
                else f"MISSED by ours: {len(missing)}"
            )
        )
    else:
        print()
    goals = [
        (f"≥ {GOAL_MBS:.0f} MB/s per core", ours_mbs >= GOAL_MBS),
        (f"≥ {GOAL_GREP:.0f}× grep", ours_mbs >= GOAL_GREP * grep_mbs),
        (f"build ≤ {GOAL_BUILD_S:.0f} s", ours["build_cold"] <= GOAL_BUILD_S),
        (f"memory ≤ {GOAL_MB} MB", ours["rss_mb"] <= GOAL_MB),
    ]
    print("  goals: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in goals))


def _ours_child(args, tmp: str) -> dict:
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--phase",
        "ours",
        "--dir",
        tmp,
        "--repeat",
        str(args.repeat),
    ]
    child = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if child.returncode != 0:
        sys.exit(f"screen: ours failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _found(hits: list[tuple[str, int, int]], inserted) -> tuple[list[int], int]:
    """(ids of the plain inserted hits found, number of disguised ones found): a hit of the same term that
    overlaps the inserted span."""
    by_term: dict[str, list[tuple[int, int]]] = {}
    for term, start, end in hits:
        by_term.setdefault(term, []).append((start, end))
    plain_ids, disguised = [], 0
    for i, (term, start, end, was_disguised) in enumerate(inserted):
        if any(s < end and start < e for s, e in by_term.get(term, ())):
            if was_disguised:
                disguised += 1
            else:
                plain_ids.append(i)
    return plain_ids, disguised


def _ours(args) -> None:
    """The child: build the screener, screen the file `--repeat` times, print one line of JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediagov.settings")
    django.setup()
    from mediagov.policy.pack import PolicyPack, shipped_pack_path
    from mediagov.policy.validate import pack_parse
    from mediagov.screening.matcher import Entry, Screener, utf8_pieces
    from mediagov.screening.normalize import normalize_term

    data, errors = pack_parse(shipped_pack_path("dut").read_text(encoding="utf-8"))
    pack = PolicyPack(data)
    with open(os.path.join(args.dir, "terms.txt"), encoding="utf-8") as f:
        terms = [line.rstrip("\n").split("\t") for line in f]

    def build() -> Screener:
        entries = [
            Entry(term=t, pattern=normalize_term(t), category=c, lexicon="基准", version=1) for t, c in terms
        ]
        return Screener(entries, pack)

    t = time.perf_counter()
    build()
    build_cold = time.perf_counter() - t
    t = time.perf_counter()
    screener = build()
    build_warm = time.perf_counter() - t
    seconds, cpu = [], []
    hits = []
    for _ in range(args.repeat):
        hits = []
        t, c = time.perf_counter(), time.process_time()
        with open(os.path.join(args.dir, "text.txt"), "rb") as f:
            hits = screener.screen_stream(utf8_pieces(f, READ_BYTES))
        seconds.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    with open(os.path.join(args.dir, "inserted.json"), encoding="utf-8") as f:
        inserted = json.load(f)
    plain_ids, disguised = _found([(h.term, h.start, h.end) for h in hits], inserted)
    result = {
        "build_cold": build_cold,
        "build_warm": build_warm,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "hits": len(hits),
        "found_plain": len(plain_ids),
        "plain_ids": plain_ids,
        "found_disguised": disguised,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(result))


def _pyahocorasick(paths, terms, inserted) -> dict | None:
    """The plain pipeline: str.translate with the same one-for-one fold table, then Automaton.iter."""
    try:
        import ahocorasick
    except ImportError:
        print("  (pyahocorasick is not installed: .venv/bin/pip install pyahocorasick)")
        return None
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    from mediagov.screening.normalize import fold_tables

    single, _expanding = fold_tables()
    automaton = ahocorasick.Automaton()
    for term, _category in terms:
        automaton.add_word(term.translate(single), term)
    automaton.make_automaton()
    t = time.perf_counter()
    with open(paths["text.txt"], encoding="utf-8", newline="") as f:
        text = f.read().translate(single)
    found = [(term, end - len(term) + 1, end + 1) for end, term in automaton.iter(text)]
    seconds = time.perf_counter() - t
    plain_ids, disguised = _found(found, inserted)
    return {"seconds": seconds, "hits": len(found), "plain_ids": plain_ids, "found_disguised": disguised}


if __name__ == "__main__":
    main()
