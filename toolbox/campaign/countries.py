"""Country codes: ISO 3166-1 alpha-2 as assigned, plus Kosovo's XK.

A country code names a folder, a file and a help page, and the contacts printed
for that country: it must name a country. Babel's (CLDR's) territory list is
not that list: it also has pseudo and grouping regions (``ZZ`` unknown, ``EU``,
``EZ``, ``UN``, ``QO``, the ``XA``/``XB`` pseudo-locales) and codes ISO only
reserves (``AC``, ``CP``, ``DG``, ``EA``, ``IC``, ``TA``), all of which passed as
"ISO 3166" before.

:data:`ASSIGNED` is the list of officially assigned codes, copied from Debian's
``iso-codes`` 4.15.0 (``/usr/share/iso-codes/json/iso_3166-1.json``, the data
pycountry also ships), 249 codes. A list kept here, rather than a dependency:
it is 249 two-letter codes that change every few years (the last new ones were
BQ, CW, SX in 2010 and SS in 2011); ``tests/test_hostile_input.py`` compares it
with iso-codes wherever that is installed. To update: copy the ``alpha_2``
values of a newer iso-codes release.
"""

from __future__ import annotations

#: ISO 3166-1 alpha-2, officially assigned (iso-codes 4.15.0).
ASSIGNED = frozenset(["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA",
                      "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV",
                      "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU",
                      "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES",
                      "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM",
                      "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE",
                      "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM",
                      "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
                      "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT",
                      "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU",
                      "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA",
                      "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
                      "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL",
                      "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
                      "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"])

#: Kosovo: user-assigned in ISO 3166 (XK), used for it by the EU, CLDR and most registries.
USER_ASSIGNED = frozenset({"XK"})
#: Every code a definition (or a manifest) may use.
ACCEPTED = ASSIGNED | USER_ASSIGNED

#: Codes people write that ISO 3166 does not assign to a country, and what to write instead.
INSTEAD = {
    "UK": "GB (the United Kingdom)",
    "EL": "GR (Greece)",
    "EU": "each member state's own code (e.g. DE, FR)",
    "EZ": "each country's own code",
    "UN": "each country's own code",
    "KV": "XK (Kosovo)",
    "KS": "XK (Kosovo)",
    "AC": "SH (Saint Helena, Ascension and Tristan da Cunha)",
    "TA": "SH (Saint Helena, Ascension and Tristan da Cunha)",
    "CP": "FR (France)",
    "DG": "IO (British Indian Ocean Territory)",
    "EA": "ES (Spain)",
    "IC": "ES (Spain)",
    "CQ": "GG (Guernsey)",
}


def country_problem(code: str) -> str | None:
    """Why ``code`` is not a country code toolbox accepts, or None."""
    if code in ASSIGNED or code in USER_ASSIGNED:
        return None
    upper = code.upper()
    if upper != code and (upper in ASSIGNED or upper in USER_ASSIGNED):
        return f"'{code}' is not an ISO 3166 country code; write it in capitals: {upper}"
    if upper in INSTEAD:
        return f"'{code}' is not an ISO 3166 country code; use {INSTEAD[upper]}"
    if _user_assigned(upper):
        return (f"'{code}' is a user-assigned code that names no country (AA, QM-QZ, XA-XZ and ZZ serve as "
                "placeholders and test data); use the country's own code (XK for Kosovo)")
    return f"'{code}' is not an ISO 3166 country code; use the country's two capital letters (XK for Kosovo)"


def _user_assigned(code: str) -> bool:
    """The ranges ISO 3166 leaves to users: AA, QM-QZ, XA-XZ, ZZ."""
    return len(code) == 2 and (code in ("AA", "ZZ") or (code[0] == "Q" and "M" <= code[1] <= "Z")
                               or (code[0] == "X" and code[1].isalpha() and code.isascii()))
