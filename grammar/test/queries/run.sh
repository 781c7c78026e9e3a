#!/bin/sh
# Checks the captures of queries/highlights.scm and queries/folds.scm on the
# sample files in test/highlight/ against the expected lists in this folder.
#
# Highlight assertions in `tree-sitter test` live in comments, and article
# files have no comment syntax, so the captures are compared here instead.
# Run from anywhere; `--update` rewrites the expected files.
set -eu
grammar_dir=$(cd "$(dirname "$0")/../.." && pwd)
expected_dir="$grammar_dir/test/queries"
update=false
if [ "${1:-}" = "--update" ]; then update=true; fi

# One line per capture: `start-end name text`, rows and columns 0-based.
captures() {
    tree-sitter query --grammar-path "$grammar_dir" "$1" "$2" |
        sed -n 's/^ *capture: \([0-9]* - \)\{0,1\}\([^,]*\), start: (\([0-9]*\), \([0-9]*\)), end: (\([0-9]*\), \([0-9]*\))\(, text: \(.*\)\)\{0,1\}$/\3:\4-\5:\6 \2 \8/p' |
        sed 's/ $//'
}

passed=0
failed=0
for sample in "$grammar_dir"/test/highlight/*.article; do
    name=$(basename "$sample" .article)
    for query in highlights folds; do
        expected="$expected_dir/$name.$query"
        actual=$(captures "$grammar_dir/queries/$query.scm" "$sample")
        if [ "$update" = true ]; then
            printf '%s\n' "$actual" >"$expected"
        fi
        if printf '%s\n' "$actual" | diff -u "$expected" - >/dev/null 2>&1; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL $name.$query"
            printf '%s\n' "$actual" | diff -u "$expected" - || true
        fi
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
