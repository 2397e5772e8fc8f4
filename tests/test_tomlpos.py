import os
import re
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolbox.campaign.tomlpos import key_lines, line_of

SOURCE = '''# comment
[campaign]
id = "x"
locales = [
  "en",  # trailing comment
  "ar",
]

[[groups]]
id = "a"
[groups.content]
about = "a.md"

[[groups]]
id = "b"
assets = [ { file = "x.png", alt = "X" },
  { file = "y.png",
    alt = "Y" } ]
text = """
id = "not a key"
"""
after = 1

[[countries.RS.hotlines]]
number = "1"
[[countries.RS.hotlines]]
number = "2"

[locales."sr-Latn"]
name = "srpski"
'''


def test_key_lines_cover_tables_arrays_and_inline_values() -> None:
    lines = key_lines(SOURCE)
    assert lines[("campaign", "id")] == 3
    assert lines[("campaign", "locales", 1)] == 6
    assert lines[("groups", 0, "content", "about")] == 12
    assert lines[("groups", 1, "id")] == 15
    assert lines[("groups", 1, "assets", 1, "alt")] == 18
    assert lines[("groups", 1, "after")] == 22
    assert ("groups", 1, "id") in lines and lines.get(("groups", 1, "text", "id")) is None
    assert lines[("countries", "RS", "hotlines", 1, "number")] == 27
    assert lines[("locales", "sr-Latn", "name")] == 30


def test_line_of_falls_back_to_the_nearest_ancestor() -> None:
    lines = key_lines(SOURCE)
    assert line_of(lines, ("groups", 0, "content", "missing")) == 11
    assert line_of(lines, ("nowhere",)) == min(lines.values())  # never None: every problem has a line
    assert line_of(key_lines('[a."b"]\nx = 1\n'), ("a",)) == 1  # a table known only by its sub-table


# --- the property: every leaf tomllib returns has a line in key_lines, and the right one -----
#
# The generator writes TOML and notes, as it writes, the line each leaf value starts on; tomllib
# must accept the text and return exactly those leaves, and key_lines must name the same lines.
# It writes what campaign files hold and what has broken the scanner before: backslashes before
# closing quotes, quotes and brackets inside strings and comments, strings over several lines,
# quoted and dotted keys, inline tables, arrays over several lines, arrays of tables inside arrays
# of tables, and characters Python counts as line breaks but TOML does not (U+2028, U+0085).

TRICKY = ['\\', '"', "'", '\\"', '"""', "'''", "#", "[", "]", "[[", "{", "}", "=", ",", ".", " ", "\t", "\u2028",
          "\u0085", "\u2029", "é", "ع", "x", "a = 1", "0800 11111"]
tricky_text = st.lists(st.sampled_from(TRICKY + ["\x00", "\x1f", "\x7f", "\n", "\r", "\ufeff", "𝟘"]), max_size=6).map("".join)
KEYS = st.sampled_from(["id", "name", "a-b", "x_1", "12", ""]) | tricky_text
BOOL = st.booleans()
FUZZ = settings(max_examples=int(os.environ.get("TOOLBOX_FUZZ_EXAMPLES", "100")), deadline=None,
                derandomize="TOOLBOX_FUZZ_EXAMPLES" not in os.environ, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def basic(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t" or (ord(ch) >= 0x20 and ch != "\x7f"):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}")
    return '"' + "".join(out) + '"'


class Writer:
    def __init__(self, draw) -> None:
        self.draw = draw
        self.text = ""
        self.leaves: dict[tuple, int] = {}
        self.newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))

    @property
    def line(self) -> int:
        return self.text.count("\n") + 1

    def put(self, text: str) -> None:
        self.text += text

    def end_line(self) -> None:
        if self.draw(BOOL):
            comment = re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", " ", self.draw(tricky_text))
            self.put(" " * self.draw(st.integers(0, 2)) + "# " + comment)
        self.put(self.newline)

    def blank(self) -> None:
        """Blank lines and comment lines, sometimes."""
        for _ in range(self.draw(st.integers(0, 2))):
            if self.draw(BOOL):
                self.put("  ")
            self.end_line()

    def key(self, used: set[str]) -> tuple[str, str]:
        """A key not in ``used``: its text and its name as tomllib reads it."""
        name = self.draw(KEYS)
        while name in used:
            name += "_"
        used.add(name)
        if re.fullmatch(r"[A-Za-z0-9_-]+", name) and self.draw(BOOL):
            return name, name
        if "'" not in name and not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", name) and self.draw(BOOL):
            return f"'{name}'", name
        return basic(name), name

    def scalar(self) -> str:
        kind = self.draw(st.sampled_from(["basic", "literal", "multi", "multi-literal", "number", "date"]))
        text = self.draw(tricky_text)
        if kind == "basic":
            return basic(text)
        if kind == "literal":
            return "'" + re.sub(r"['\x00-\x08\x0a-\x1f\x7f]", "", text) + "'"
        if kind == "multi":
            body = basic(text)[1:-1].replace("\\u000a", "\n").replace("\\u000d", "")  # real line breaks
            return '"""' + self.draw(st.sampled_from(["", self.newline])) + body + '"""'
        if kind == "multi-literal":
            body = re.sub(r"'|[\x00-\x08\x0b-\x1f\x7f]", "", text)
            return "'''" + body + "'''"
        if kind == "number":
            return self.draw(st.sampled_from(["1", "-2", "3.5", "1e3", "true", "false", "0x1F", "inf", "1_000"]))
        return self.draw(st.sampled_from(["2026-11-24", "1979-05-27 07:32:00", "1979-05-27T07:32:00Z", "07:32:00"]))

    def value(self, path: tuple, depth: int, inline: bool = False) -> None:
        """A value starting on the current line; ``inline``: inside an inline table (no line breaks)."""
        kind = self.draw(st.sampled_from(["scalar", "scalar", "array", "table"] if depth < 3 else ["scalar"]))
        if kind == "scalar":
            self.leaves[path] = self.line
            self.put(self.scalar())
        elif kind == "array":
            self.array(path, depth, inline)
        else:
            self.inline_table(path, depth)

    def array(self, path: tuple, depth: int, inline: bool) -> None:
        start = self.line
        self.put("[")
        n = self.draw(st.integers(0, 3))
        if n == 0:
            self.leaves[path] = start
        for i in range(n):
            if not inline and self.draw(BOOL):
                self.end_line()
                self.put("  ")
            self.value(path + (i,), depth + 1, inline)
            if i < n - 1 or self.draw(BOOL):
                self.put(",")
            self.put(self.draw(st.sampled_from(["", " "])))
        if n and not inline and self.draw(BOOL):
            self.end_line()
        self.put("]")

    def inline_table(self, path: tuple, depth: int) -> None:
        self.put("{")
        used: set[str] = set()
        n = self.draw(st.integers(0, 3))
        if n == 0:
            self.leaves[path] = self.line
        for i in range(n):
            self.put(" ")
            self.pair(path, used, depth + 1, inline=True)
            if i < n - 1:
                self.put(",")
        self.put(" }")

    def pair(self, owner: tuple, used: set[str], depth: int, inline: bool = False) -> None:
        text, name = self.key(used)
        path = owner + (name,)
        if self.draw(BOOL):  # a dotted key: a.b = 1
            sub_text, sub = self.key(set())
            text, path = f"{text}.{sub_text}", path + (sub,)
        self.put(text + self.draw(st.sampled_from([" = ", "=", " =  "])))
        self.value(path, depth, inline)

    def pairs(self, owner: tuple, used: set[str]) -> int:
        n = self.draw(st.integers(0, 3))
        for _ in range(n):
            self.blank()
            self.put(self.draw(st.sampled_from(["", "  ", "\t"])))
            self.pair(owner, used, 0)
            self.end_line()
        return n


@st.composite
def documents(draw) -> tuple[str, dict[tuple, int]]:
    w = Writer(draw)
    top: set[str] = set()
    w.pairs((), top)
    for _ in range(draw(st.integers(0, 3))):
        w.blank()
        text, name = w.key(top)
        if draw(BOOL):  # [name] or [name.sub]
            path: tuple = (name,)
            if draw(BOOL):
                sub_text, sub = w.key(set())
                text, path = f"{text}.{sub_text}", path + (sub,)
            header = w.line
            w.put(f"[{text}]")
            w.end_line()
            if not w.pairs(path, set()):
                w.leaves[path] = header
        else:  # [[name]] elements, each perhaps with [[name.sub]] elements
            for i in range(draw(st.integers(1, 2))):
                header = w.line
                w.put(f"[[ {text} ]]" if draw(BOOL) else f"[[{text}]]")
                w.end_line()
                used: set[str] = set()
                has_pairs = w.pairs((name, i), used)
                subs = draw(st.integers(0, 2))
                if not has_pairs and not subs:
                    w.leaves[(name, i)] = header
                sub_text, sub = w.key(used)
                for j in range(subs):
                    sub_header = w.line
                    w.put(f"[[{text}.{sub_text}]]")
                    w.end_line()
                    if not w.pairs((name, i, sub, j), set()):
                        w.leaves[(name, i, sub, j)] = sub_header
    return w.text, w.leaves


def _leaves(value, path=()):
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    elif path:
        yield path


@FUZZ
@given(doc=documents())
def test_every_leaf_has_its_own_line(doc: tuple[str, dict[tuple, int]]) -> None:
    source, expected = doc
    assert set(_leaves(tomllib.loads(source))) == set(expected), source  # the generator writes what it notes
    lines = key_lines(source)
    wrong = {path: (lines.get(path), line) for path, line in expected.items() if lines.get(path) != line}
    assert not wrong, (source, wrong)
