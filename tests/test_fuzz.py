"""Property-based tests: generated definitions, Markdown and .po text fed to the loaders.

The only allowed outcomes are a valid model or problems that each name a file
and a line; never an exception. A valid model plans only output paths inside
the output folder, and rendered Markdown carries only allow-listed markup.

The suite runs a bounded number of examples per test, the same ones every run
(TOOLBOX_FUZZ_EXAMPLES, default 100). Fuzz longer, with new examples each run::

    TOOLBOX_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from toolbox.campaign.load import load_campaign
from toolbox.campaign.paths import inside
from toolbox.errors import Collector
from toolbox.formats import load as load_formats
from toolbox.i18n.checks import check_message, check_po
from toolbox.i18n.segments import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, render_blocks, split_blocks
from toolbox.inputs import check_campaign
from toolbox.plan import plan_campaign
from toolbox.project import Project
from toolbox.render.fonts import load_fonts
from toolbox.render.site import SiteRenderer
from toolbox.render.templates import environment

EXAMPLES = int(os.environ.get("TOOLBOX_FUZZ_EXAMPLES", "100"))
_FIXED = "TOOLBOX_FUZZ_EXAMPLES" not in os.environ  # the suite: the same examples every run, nothing saved
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=_FIXED, database=None if _FIXED else settings.default.database,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def project() -> Path:
    root = Path(tempfile.mkdtemp(prefix="toolbox-fuzz-"))
    (root / "campaigns" / "fuzz" / "content").mkdir(parents=True)
    (root / "templates").symlink_to(ROOT / "templates")
    (root / "locales").mkdir()
    (root / "campaigns" / "fuzz" / "images").mkdir()
    from PIL import Image

    Image.new("RGB", (4, 4)).save(root / "campaigns" / "fuzz" / "images" / "cover.png")
    yield root
    shutil.rmtree(root)


# --- values and snippets -------------------------------------------------------------------

NASTY_TEXT = ["", " ", "../../etc/passwd", "/etc/passwd", "C:\\x", "con", "AUX.md", "a\x00b", "\x07", "~/x",
              "javascript:alert(1)", "https://ok.example.org/", "data:text/html,x", "<script>", "\"", "'", "\\",
              "#", "[", "]]", "{", "é", "ع", "\u202e", "\ud7ff", "content/about.md", "content//about.md",
              "content/./about.md", "sr-Latn", "../x", "en", "sq", "xx-bogus", "MK", "XK", "site", "leaflet"]
text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=24))
scalar = st.one_of(text, st.integers(-2**63, 2**63 - 1), st.booleans(), st.floats(allow_nan=False),
                   st.dates(min_value=dt.date(1, 1, 1)))
anything = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                        max_leaves=6)


def field(good):
    """Mostly a value of the right shape, sometimes anything at all."""
    return st.one_of(good, good, good, good, anything)


ids = st.one_of(st.just("fuzz"), st.just("fuzz"), st.sampled_from(["jobs", "con", "a-b", "-x", "Jobs", "nul.txt"]), text)
tags = st.lists(st.one_of(st.sampled_from(["en", "sq", "ar", "sr-Latn", "rmn", "../x", "con", "EN", "xx"]), text), max_size=3)
codes = st.lists(st.one_of(st.sampled_from(["MK", "AL", "XK", "ZZ", "mk", "../"]), text), max_size=3)
files = st.one_of(st.just("content/about.md"), st.sampled_from(NASTY_TEXT), text)

group = st.fixed_dictionaries(
    {"id": field(ids), "name": field(text)},
    optional={"locales": field(tags), "countries": field(codes),
              "formats": field(st.lists(st.sampled_from(["site", "leaflet", "poster", "x"]), max_size=3)),
              "key_message": field(text), "image": field(ids), "offline": field(st.booleans()),
              "content": field(st.dictionaries(st.sampled_from(["about", "safety", "rights", "bogus"]), files, max_size=3))},
)
hotline = st.fixed_dictionaries(
    {"name": field(text), "number": field(st.one_of(st.just("0800 11111"), text))},
    optional={"free": field(st.booleans()), "languages": field(tags), "source": field(text),
              "confidence": field(st.sampled_from(["low", "high", "sure"])), "last_verified": field(st.dates())},
)
GOOD_GROUP = {"id": "jobs", "name": "Jobs", "locales": ["en", "sq"], "countries": ["MK"], "formats": ["site"],
              "content": {"about": "content/about.md"}}
GOOD_COUNTRIES = {"MK": {"hotlines": [{"name": "SOS line", "number": "0800 11111"}]}}
# A valid group with one value replaced, so that valid models with pages are common too.
near_group = st.builds(lambda k, v: {**GOOD_GROUP, k: v}, st.sampled_from(sorted(GOOD_GROUP)), anything) | st.just(GOOD_GROUP)

definition = st.fixed_dictionaries(
    {"campaign": field(st.fixed_dictionaries(
        {"id": field(ids), "title": field(text)},
        optional={"source_locale": field(st.sampled_from(["en", "sq", "zz", "../en"])),
                  "base_url": field(st.sampled_from(["https://x.example.org", "http://x", "javascript:x"])),
                  "exit_url": field(st.sampled_from(["https://www.wikipedia.org/", "javascript:alert(1)", " https://a b"])),
                  "countries": field(codes), "status": field(st.sampled_from(["draft", "approved", "done"])),
                  "date": field(st.dates()), "min_translated": field(st.floats(0, 1))}))},
    optional={"groups": field(st.lists(near_group | group, max_size=2)),
              "countries": st.just(GOOD_COUNTRIES) | field(st.dictionaries(st.sampled_from(["MK", "AL", "ZZ", "../x"]),
                                                 st.fixed_dictionaries({},
                                                                       optional={"hotlines": field(st.lists(hotline,
                                                                                                            max_size=2)),
                                                                                                            "note": field(text)}),
                                                 max_size=2)),
              "assets": field(st.lists(st.fixed_dictionaries({"id": field(ids), "file": field(files), "alt": field(text)}),
                                       max_size=2)),
              "partners": field(st.lists(st.fixed_dictionaries({"name": field(text)},
                                                               optional={"logo": field(files), "url": field(text)}), max_size=1)),
              "locales": field(st.dictionaries(st.sampled_from(["rmn", "rom", "../x", "con"]),
                                               st.fixed_dictionaries({}, optional={
                                                   "name": field(text), "cldr": field(text),
                                                   "plural_forms": field(st.sampled_from(["nplurals=2; plural=(n != 1);",
                                                                                          "nplurals=9; plural=x",
                                                                                          "nplurals=2; plural=n(((;"])),
                                                   "fallback": field(tags),
                                                   "transliterate": field(tags.map(lambda t: t[0] if t else "")),
                                                   "direction": field(st.sampled_from(["ltr", "rtl", "up"]))}),
                                               max_size=1)),
              "unknown": anything},
)


# --- a small TOML writer (tomllib only reads) ------------------------------------------------

def _key(k: str) -> str:
    return json.dumps(k, ensure_ascii=False)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if not isinstance(v, float) or v == v and abs(v) != float("inf") else "nan"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string, mostly: the rest is a syntax error
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"


def to_toml(data: dict) -> str:
    """Tables as [headers] and [[arrays]] where the shape allows, else inline values."""
    out: list[str] = []
    later: list[str] = []
    for k, v in data.items():
        if isinstance(v, dict) and all(isinstance(x, dict) for x in v.values()) and v:
            for sub, table in v.items():
                later.append(f"[{_key(k)}.{_key(sub)}]")
                later += [f"{_key(a)} = {_value(b)}" for a, b in table.items() if not _is_table_list(b)]
                for a, b in table.items():
                    if _is_table_list(b):
                        for item in b:
                            later.append(f"[[{_key(k)}.{_key(sub)}.{_key(a)}]]")
                            later += [f"{_key(x)} = {_value(y)}" for x, y in item.items()]
        elif isinstance(v, dict):
            later.append(f"[{_key(k)}]")
            later += [f"{_key(a)} = {_value(b)}" for a, b in v.items()]
        elif _is_table_list(v):
            for item in v:
                later.append(f"[[{_key(k)}]]")
                later += [f"{_key(a)} = {_value(b)}" for a, b in item.items()]
        else:
            out.append(f"{_key(k)} = {_value(v)}")
    return "\n".join(out + later) + "\n"


def _is_table_list(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


# --- the properties ----------------------------------------------------------------------------

def _load(project: Path, source: str | bytes, markdown: str = "Someone deceived you.\n") -> tuple:
    folder = project / "campaigns" / "fuzz"
    (folder / "campaign.toml").write_bytes(source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass"))
    (folder / "content" / "about.md").write_text(markdown, encoding="utf-8")
    problems = Collector()
    campaign = load_campaign(folder, problems)
    if campaign is not None:
        check_campaign(campaign, Project(project), problems)
    return campaign, problems


def _only_located_problems(problems: Collector, project: Path) -> None:
    """Every problem names a file of the campaign and a line that file has.

    (The lines are right, not only present, by tests/test_tomlpos.py's property.)
    """
    for p in problems.problems:
        assert p.path.startswith("campaigns/fuzz/") or "campaigns/fuzz/" in p.path, p
        file = project / p.path[p.path.index("campaigns/fuzz/"):]
        assert isinstance(p.line, int) and 1 <= p.line <= (file.read_bytes().count(b"\n") + 1 if file.is_file() else 1), p
        assert p.message and "Traceback" not in p.message, p


def _valid_model_stays_inside(campaign, problems: Collector, tmp: Path) -> None:
    """A valid model plans paths inside the output folder, and its microsite pages render."""
    if campaign is None or problems.errors:
        return
    project = Project(tmp.parent)
    units = plan_campaign(campaign, load_formats(project.theme))
    for unit in units:
        assert inside(tmp, unit.path) is not None, unit.path
    site = SiteRenderer(project, environment(project.theme), load_fonts(project.theme), campaign, {},
                        [u for u in units if not u.is_print])
    for unit in units:
        if not unit.is_print:
            assert "<html" in site.page(unit).html


@FUZZ
@given(data=definition)
def test_generated_definitions(project: Path, data: dict) -> None:
    campaign, problems = _load(project, to_toml(data))
    _only_located_problems(problems, project)
    _valid_model_stays_inside(campaign, problems, project / "dist")


BASE = {
    "campaign": {"id": "fuzz", "title": "Safe work", "summary": "About the campaign.", "source_locale": "en",
                 "base_url": "https://fuzz.example.org", "countries": ["MK", "AL"], "status": "approved",
                 "date": dt.date(2026, 11, 24), "exit_url": "https://www.wikipedia.org/", "disclaimer": "Funded."},
    "groups": [GOOD_GROUP, {**GOOD_GROUP, "id": "roma", "locales": ["en", "rmn", "ar"], "countries": ["MK", "AL"]}],
    "countries": {"MK": {"hotlines": [{"name": "SOS line", "number": "0800 11111", "languages": ["mk", "sq"]}],
                         "services": [{"name": "Legal aid", "kind": "legal", "website": "https://x.example.org"}]},
                  "AL": {"hotlines": [{"name": "Linja", "number": "+355 116 006"}], "note": "Free."}},
    "assets": [{"id": "cover", "file": "images/cover.png", "alt": "A road"}],
    "locales": {"rmn": {"name": "romani", "fallback": ["sr-Latn"]}},
}


def _paths(data, prefix=()):
    yield prefix
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for k, v in items:
        yield from _paths(v, prefix + (k,))


def _mutate(data, path, how, value):
    """``data`` with one change at ``path``: a value replaced, a key removed or an unknown key added."""
    import copy

    out = copy.deepcopy(data)
    if not path:
        return out
    parent = out
    for k in path[:-1]:
        parent = parent[k]
    if how == "replace":
        parent[path[-1]] = value
    elif how == "delete":
        del parent[path[-1]]
    elif isinstance(parent[path[-1]], dict):
        parent[path[-1]]["surprise"] = value
    return out


PATHS = list(_paths(BASE))
near_valid = st.builds(_mutate, st.just(BASE), st.sampled_from(PATHS), st.sampled_from(["replace", "delete", "add"]),
                       anything)


@FUZZ
@given(data=near_valid)
def test_definitions_one_mistake_away_from_valid(project: Path, data: dict) -> None:
    campaign, problems = _load(project, to_toml(data))
    _only_located_problems(problems, project)
    _valid_model_stays_inside(campaign, problems, project / "dist")


@FUZZ
@given(source=st.one_of(st.text(max_size=300), st.binary(max_size=300),
                        st.lists(st.sampled_from(["[campaign]", 'id = "fuzz"', 'title = "T"', "[[groups]]", "[groups.content]",
                                                  'about = "content/about.md"', "a = [", "]", "x = {", "}", '"""', "'''",
                                                  "[[countries.MK.hotlines]]", "b.c = 1", "= 1", "[a.b", "\\u0000", "\t"]),
                                 max_size=12).map("\n".join)))
def test_arbitrary_definition_text(project: Path, source) -> None:
    campaign, problems = _load(project, source)
    _only_located_problems(problems, project)
    _valid_model_stays_inside(campaign, problems, project / "dist")


MARKDOWN_SNIPPETS = ["<script>alert(1)</script>", "<img src=https://t.example.net/p.png onerror=alert(1)>",
                     "![x](https://t.example.net/i.png)", "[a](javascript:alert(1))", "<iframe src=x></iframe>",
                     "<style>*{}</style>", "<a href='x' onclick='y'>l</a>", "# ", "- ", "1. ", "| a | b |", "|---|---|",
                     "**", "*", "`", "\n", "\n\n", "<!--", "-->", "<", ">", "&", "&#x6a;avascript:", "<svg onload=x>",
                     "<span style=x lang=ar dir=rtl>", "</span>", "[", "](", ")", "\\", "<bdi dir=rtl>",
                     "\u202e", "\u200b", "\u200c", "\ufeff", "&#8238;", "&#x200c;", "[0800 11111](tel:0800)", "[x]: tel:1",
                     "<https://x.example.org>", "0800 11111"]
markdown = st.lists(st.one_of(st.sampled_from(MARKDOWN_SNIPPETS), st.text(max_size=20)), max_size=25).map("".join)
BLOCK_TAGS = {"p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"} | {f"h{i}" for i in range(1, 7)}


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@FUZZ
@given(source=markdown, translation=markdown)
def test_generated_markdown(project: Path, source: str, translation: str) -> None:
    # The validator: a path:line problem or nothing.
    campaign, problems = _load(project, (ROOT / "tests/fixtures/invalid/missing-file/campaign.toml").read_text()
                               .replace('"missing-file"', '"fuzz"').replace("content/abuot.md", "content/about.md"), source)
    _only_located_problems(problems, project)
    # The renderer: only allow-listed markup, whatever the source or its translation says.
    blocks = split_blocks(source)
    for translate in (lambda m: (m, "en", "ltr"), lambda m: (translation, "ar", "rtl")):
        out = str(render_blocks(blocks, translate, "en"))
        parser = _Tags()
        parser.feed(out)
        for tag, attrs in parser.found:
            assert tag in ALLOWED_TAGS | BLOCK_TAGS, out
            assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"lang", "dir", "rel", "class"}, out
            # class only as toolbox writes it after sanitising: numbers isolated (i18n/numbers.py)
            assert attrs.get("class") in (None, "num") and (tag == "bdi" or "class" not in attrs), out
            href = (attrs.get("href") or "").strip().lower()
            if ":" in href.split("/")[0]:
                assert href.split(":")[0] in ALLOWED_URL_SCHEMES, out


def _po_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


PO_TEXT = st.one_of(st.sampled_from(["%(country)s", "{name}", "0800 11111", "+389 2 000 000", "https://x.example.org",
                                     "a@b.org", "<b>", "</b>", "<script>", "[a](https://x)", "\\", '"', "\n", "ë", "ع",
                                     "\u202e", "\u200c", "&#48;", "<!--", "-->", "[x][y]", "[y]: tel:1", "%", "astra.rs"]),
                    st.text(max_size=15))
po_message = st.tuples(st.lists(PO_TEXT, max_size=4).map("".join), st.lists(PO_TEXT, max_size=4).map("".join),
                       st.booleans(), st.integers(0, 4),
                       st.sampled_from(["", "#, fuzzy\n", "#. comment\n", "#| msgid \"old\"\n"]))
po_mangle = st.sampled_from(["", '"', "msgstr", "msgid \"x", "\\", "msgstr[7] \"x\"", "#", "\x00", "\ud800"])


def _po(header_forms: int, messages: list, mangle: str, where: int) -> str:
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
           f'"Plural-Forms: nplurals={header_forms}; plural=(n != 1);\\n"', ""]
    for msgid, msgstr, plural, forms, prefix in messages:
        entry = prefix + f"msgid {_po_string(msgid)}\n"
        if plural:
            entry += f"msgid_plural {_po_string(msgid + 's')}\n"
            entry += "".join(f"msgstr[{i}] {_po_string(msgstr)}\n" for i in range(forms))
        else:
            entry += f"msgstr {_po_string(msgstr)}\n"
        out.append(entry)
    text = "\n".join(out)
    cut = where % (len(text) + 1)
    return text[:cut] + mangle + text[cut:]


@FUZZ
@given(text=st.one_of(st.builds(_po, st.integers(0, 7), st.lists(po_message, max_size=5), po_mangle, st.integers(0, 10_000)),
                      st.text(max_size=400)))
def test_generated_po_files(project: Path, text: str) -> None:
    path = project / "locales" / "sq" / "LC_MESSAGES" / "fuzz.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    problems = Collector()
    check_po(path, problems)
    for p in problems.problems:
        assert p.path.endswith("fuzz.po"), p
        assert isinstance(p.line, int) and p.line >= 1, p


# --- encoding tricks in translations (issue 19): compared on what readers get ---------------

SOURCE = "Call 0800 11111 or [0800 11111](tel:080011111)."
RIGHT, WRONG = "0800 11111", "0800 11112"
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u202c",
             "\u2066", "\u2067", "\u2068", "\u2069", "&#8238;", "&#x200B;", "&zwnj;", "&lrm;", "&shy;", "\u180e", "\U000e0031"]


def _spell(ch: str, how: int) -> str:
    """One character as a translator might hide it: as is, as a character reference, or as a look-alike."""
    if how == 1:
        return f"&#{ord(ch)};"
    if how == 2:
        return f"&#x{ord(ch):X};"
    if how == 3 and ch.isdigit():
        return chr(0xFF10 + int(ch))  # fullwidth
    if how == 4 and ch.isdigit():
        return "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"[int(ch)]  # superscript
    if how == 5 and ch == " ":
        return "&nbsp;"
    return ch


@st.composite
def spelled(draw, number: str) -> str:
    out = []
    for ch in number:
        out.append(_spell(ch, draw(st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5]))))
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
    return "".join(out)


@st.composite
def link(draw) -> str:
    label = draw(spelled(draw(st.sampled_from([RIGHT, RIGHT, WRONG]))))
    digits = draw(st.sampled_from([RIGHT, RIGHT, WRONG, "+389 800 11111"])).replace(" ", "")
    target = draw(st.sampled_from(["tel:", "TEL:", "Tel:", "sms:", "https://x.example.org/"])) + draw(spelled(digits))
    form = draw(st.sampled_from(["inline", "reference", "html"]))
    if form == "inline":
        return f"[{label}]({target})"
    if form == "reference":
        return f"[{label}][n]\n\n[n]: {target}"
    return f'<a href="{target}">{label}</a>'


translation_parts = st.one_of(
    st.sampled_from(["Thirrni ", " ose ", ".", " ", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 ", "<!-- 0800 11111 -->",
                     f"<!-- [{RIGHT}](tel:080011111) -->", RIGHT, f"[{RIGHT}](tel:080011111)", "**", "\\-", "&amp;"]),
    st.sampled_from([RIGHT, WRONG]).flatmap(spelled), link(), st.sampled_from(INVISIBLE))


class _Reader(html.parser.HTMLParser):
    """An oracle of our own (not the checker's): visible text and link targets of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.links = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_data(self, data):
        self.text.append(data)


def _as_read(markdown_text: str) -> tuple[list[str], list[str], str]:
    """(numbers shown, link targets, visible text) of a message as the build renders it."""
    import unicodedata

    reader = _Reader()
    reader.feed(str(render_blocks(split_blocks("x"), lambda m: (markdown_text, "sq", "ltr"), "sq")))
    shown = "".join(reader.text)
    plain = unicodedata.normalize("NFKC", "".join(ch for ch in shown if unicodedata.category(ch) != "Cf"))
    numbers = sorted(re.sub(r"\D", "", n) for n in re.findall(r"\d[\d \u00a0-]*\d", plain) if len(re.sub(r"\D", "", n)) >= 3)
    targets = sorted(t.lower().replace(" ", "") for t in reader.links)
    return numbers, targets, shown


@FUZZ
@given(parts=st.lists(translation_parts, max_size=8))
def test_encoded_and_invisible_numbers_never_pass_unnoticed(parts: list[str]) -> None:
    """Either the check reports the entry, or readers get the source's numbers and link targets, in order."""
    translation = "".join(parts)
    if check_message(SOURCE, translation):
        return
    numbers, targets, shown = _as_read(translation)
    expected_numbers, expected_targets, source_shown = _as_read(SOURCE)
    assert (numbers, targets) == (expected_numbers, expected_targets), (translation, shown)
    # No direction control, invisible character or mark by a digit but those the build itself puts
    # around the source's numbers too.
    for pattern in ("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]",
                    r"\d[\u200c-\u200f\u061c\u00ad]|[\u200c-\u200f\u061c\u00ad]\d"):
        assert sorted(re.findall(pattern, shown)) == sorted(re.findall(pattern, source_shown)), (translation, shown)
