#!/bin/sh
# Times the parser on large and adversarial inputs with `tree-sitter parse`.
# Inputs are generated into a temporary folder; the seeds come from the
# shared folder next to the repository when it is there.
set -eu
grammar_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
size=$((20 * 1024 * 1024))

sentence='Officials said exports of chips rose while partners met in Brussels to review tariffs and supply chains. '
tagged='The [Ministry]{org ref=motir} met [Canada]{place ref=canada} officials on [Monday]{date value=2025-12-08}. '

# Prints whole copies of a string, about $2 bytes in all, on one line.
repeat_to() {
    awk -v s="$1" -v n="$2" 'BEGIN {
        copies = int(n / length(s)); per_chunk = int(65536 / length(s)) + 1
        for (i = 0; i < per_chunk; i++) chunk = chunk s
        for (i = 0; i + per_chunk <= copies; i += per_chunk) printf "%s", chunk
        for (; i < copies; i++) printf "%s", s
    }'
}

{ echo 'Title'; repeat_to "$sentence" "$size"; echo ' date2025-12-10'; } >"$work/long-line.article"
{ echo 'Title'; repeat_to "$tagged" "$size"; echo; } >"$work/long-line-tags.article"
{ echo 'Title'; awk 'BEGIN { for (i = 0; i < 100000; i++) printf "[w%d]{org ref=k%d} ", i, i; print "" }'; } >"$work/tags-100k.article"
{ echo 'Title'; repeat_to '[' 100000; echo; } >"$work/nested-open-100k.article"
{ echo 'Title'; repeat_to '[' 100000; printf 'x'; repeat_to ']{t}' 500000; echo; } >"$work/nested-closed-100k.article"
{ echo 'Title'; repeat_to '[' "$size"; echo; } >"$work/brackets-20mb.article"
{ echo 'Title'; repeat_to '[a [b] c ] [ ' "$size"; echo; } >"$work/brackets-mixed-20mb.article"

seeds="$grammar_dir/../../shared/seeds"
if [ -d "$seeds" ]; then
    i=0
    while [ $i -lt 200 ]; do
        for seed in "$seeds"/*.txt; do
            echo '-'
            cat "$seed"
            echo
        done
        i=$((i + 1))
    done >"$work/seeds-x200.article"
fi

for input in "$work"/*.article; do
    printf '%s\t%s bytes\t' "$(basename "$input")" "$(wc -c <"$input")"
    /usr/bin/env time -f 'cpu %U s' tree-sitter parse --grammar-path "$grammar_dir" --quiet --time "$input" 2>&1 |
        sed "s|$work/[^\t]*\t||" | tr '\n' '\t'
    echo
done
