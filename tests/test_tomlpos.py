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
