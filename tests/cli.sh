#!/usr/bin/env bash
# The command line on good and bad input: exit codes, one-line messages
# naming the file, nothing half-written, other inputs carried on.  Prints
# TAP.  usage: tests/cli.sh BUDTAB
set -u
budtab=$1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BUDTAB_PATTERNS="$root/patterns"
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# run NAME WANT_RC PATTERN ARGS...: exit code WANT_RC, and every stderr
# line matches PATTERN (a one-line message per problem).
run() {
	local name=$1 want=$2 pattern=$3
	shift 3
	"$budtab" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name" "exit $rc, want $want" "$(head -3 "$tmp/err")"
	elif [ -s "$tmp/err" ] && grep -vqE "$pattern" "$tmp/err"; then
		not_ok "$name" "unexpected message: $(grep -vE "$pattern" "$tmp/err" | head -1)"
	else
		ok "$name"
	fi
}

seed="$root/corpus/huailai-2024-zrzy.pdf"
: >"$tmp/empty.pdf"
echo "hello, not a pdf" >"$tmp/text.pdf"
mkdir "$tmp/dir.pdf"

run "help exits 0" 0 '^$' --help
run "version exits 0" 0 '^$' --version
run "no command is a usage error" 2 '^budtab: |^Try' 
run "unknown option is a usage error" 2 '.' extract --no-such-option "$seed"
run "bad --pages is a usage error" 2 '^budtab: |^Try' extract --pages 7-3 "$seed"
run "missing pattern directory is a usage error" 2 '^budtab: pattern directory' extract --patterns "$tmp/nowhere" "$seed"
run "seed document extracts" 0 '^$' extract "$seed"
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d['projects']) == 7 else 1)" "$tmp/out"; then
	ok "seed document has 7 projects"
else
	not_ok "seed document has 7 projects"
fi
run "zero-byte file" 1 "^budtab: $tmp/empty.pdf: empty file$" extract "$tmp/empty.pdf"
run "text file named .pdf" 1 "^budtab: $tmp/text.pdf: not a PDF file" extract "$tmp/text.pdf"
run "directory" 1 "^budtab: $tmp/dir.pdf: is a directory$" extract "$tmp/dir.pdf"
run "missing file" 1 "^budtab: $tmp/missing.pdf: " extract "$tmp/missing.pdf"
run "encrypted without password" 1 "^budtab: .*encrypted.pdf: encrypted: a password is needed$" \
	extract "$root/tests/data/source_pdf/encrypted.pdf"
run "encrypted with a wrong password" 1 "^budtab: .*encrypted.pdf: encrypted: wrong password$" \
	extract --password nope "$root/tests/data/source_pdf/encrypted.pdf"
run "encrypted with its password" 0 '^$' \
	extract --password secret "$root/tests/data/source_pdf/encrypted.pdf"
run "scanned page is a warning" 0 "^budtab: .*scanned.pdf: warning: page 1: no-text-layer: " \
	extract "$root/tests/data/cli/scanned.pdf"
run "page limit" 1 "^budtab: $seed: 12 pages is over the limit of 5 \\(--max-pages\\)$" \
	extract --max-pages 5 "$seed"

# A read that never returns (a FIFO nobody writes; a page poppler cannot
# finish is the same to the watchdog) ends after --max-seconds + 10 s.
mkfifo "$tmp/stuck.pdf"
run "a read that hangs is given up" 1 "^budtab: $tmp/stuck.pdf: stuck past the time limit of 1 s .*gave up after 11 s \\(--max-seconds\\)$" \
	extract --max-seconds 1 "$tmp/stuck.pdf"

# Truncated at ten offsets: an error or a document, never a crash.
size=$(stat -c %s "$seed")
crashed=0
for k in 1 2 3 4 5 6 7 8 9 10; do
	head -c $((size * k / 11)) "$seed" >"$tmp/cut$k.pdf"
	"$budtab" extract "$tmp/cut$k.pdf" >/dev/null 2>"$tmp/err"
	rc=$?
	errors=$(grep -vc ': warning: ' "$tmp/err")
	if [ "$rc" -gt 1 ] || [ "$errors" -gt 1 ]; then
		crashed=$((crashed + 1))
		echo "# cut$k: exit $rc: $(head -2 "$tmp/err")"
	fi
done
[ "$crashed" -eq 0 ] && ok "truncated PDFs: one line and exit 0 or 1" || not_ok "truncated PDFs: $crashed bad outcomes"

# Several inputs into a directory: the bad ones are named, the good ones
# are written whole, nothing else is left behind.
mkdir "$tmp/out.d"
run "bad inputs do not stop the others" 1 '^budtab: ' \
	extract "$tmp/empty.pdf" "$seed" "$tmp/text.pdf" "$root/corpus/rl-fullwidth-wqy.pdf" -o "$tmp/out.d/"
if [ "$(ls "$tmp/out.d" | sort | tr '\n' ' ')" = "huailai-2024-zrzy.json rl-fullwidth-wqy.json " ] &&
   python3 -c "import json,sys; [json.load(open(f)) for f in sys.argv[1:]]" "$tmp"/out.d/*.json; then
	ok "only complete outputs, for the good inputs"
else
	not_ok "only complete outputs, for the good inputs" "$(ls "$tmp/out.d")"
fi

# An output that cannot be written: an error, and no temporary left.
mkdir "$tmp/ro"
chmod 500 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
	run "unwritable output directory" 1 "^budtab: " extract "$seed" -o "$tmp/ro/x.json"
	[ -z "$(ls -A "$tmp/ro")" ] && ok "nothing left in it" || not_ok "nothing left in it"
else
	run "output into a missing directory" 1 "^budtab: " extract "$seed" -o "$tmp/nodir/sub/x.json"
fi

run "grids as CSV" 0 '^$' grids --format csv --pages 6 "$seed"
if grep -q "^table,0,page,6" "$tmp/out"; then ok "CSV names the table's page"; else not_ok "CSV names the table's page"; fi
run "text dump input" 0 '^budtab: .*warning' extract --input text "$root/tests/data/cli/dump.txt"

# check: 0 clean, 1 findings, 2 an input that cannot be read.
gold="$root/corpus/huailai-2024-zrzy.expected.json"
run "check of a clean document exits 0" 0 '^$' check --format text "$root/corpus/rl-hrules-wqy.expected.json"
grep -q "^2 projects checked: 0 findings" "$tmp/out" && ok "check says what it checked" || not_ok "check says what it checked" "$(tail -1 "$tmp/out")"
run "check of the seed exits 1" 1 '^$' check --format text "$seed"
if grep -q "schedule-not-cumulative, page 10" "$tmp/out" && grep -q "target-no-number, page 9" "$tmp/out"; then
	ok "check reports the seed's schedules and bare %"
else
	not_ok "check reports the seed's schedules and bare %" "$(head -5 "$tmp/out")"
fi
run "check JSON" 1 '^$' check --format json "$gold"
if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['format'] == 'budtab-check/1' and d['summary']['findings'] == 9, d['summary']
assert [g['seq'] for g in d['groups']] == [1, 2, 3, 4, 5, 6, 7]
f = d['groups'][4]['findings'][0]
assert f['code'] == 'schedule-not-cumulative' and f['values']['percent'] == '10/30/30/30', f
" "$tmp/out"; then ok "check JSON has its documented shape"; else not_ok "check JSON has its documented shape"; fi
{ printf '\xef\xbb\xbf'; cat "$gold"; } >"$tmp/bom.json"
run "budtab/1 with a BOM" 1 '^$' check --format text "$tmp/bom.json"
run "check of a missing file exits 2" 2 "^budtab: $tmp/missing.json: " check --format text "$tmp/missing.json"
run "an unreadable input wins over findings" 2 "^budtab: $tmp/text.pdf: " check --format text "$tmp/text.pdf" "$gold"
run "check with a bad --unit is a usage error" 2 '^budtab: |^Try' check --unit 千元 "$gold"
run "check against internal records" 1 '^$' check --format text "$gold" --against "$root/tests/data/check/internal.csv"
grep -q "department-total-differs" "$tmp/out" && grep -q "only-internal" "$tmp/out" &&
	ok "internal records: differences reported" || not_ok "internal records: differences reported"
run "broken internal records exit 2" 2 "^budtab: $tmp/text.pdf: no project-code column" check "$gold" --against "$tmp/text.pdf"

# A budtab build database: its documents with status ok; the same
# document twice repeats every code.
if command -v sqlite3 >/dev/null; then
	sqlite3 "$tmp/db.sqlite" "CREATE TABLE documents (path TEXT, status TEXT, record_json TEXT);
		INSERT INTO documents VALUES ('a.pdf', 'ok', readfile('$gold'));
		INSERT INTO documents VALUES ('b.pdf', 'ok', readfile('$gold'));
		INSERT INTO documents VALUES ('c.pdf', 'failed', NULL);
		INSERT INTO documents VALUES ('d.pdf', 'ok', '{\"format\": \"budtab/1\"');"
	run "check a database" 1 '^$' check --format json "$tmp/db.sqlite"
	if python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['summary']['projects'] == 14, d['summary']
codes = [f['code'] for g in d['groups'] for f in g['findings']]
assert codes.count('code-duplicate') == 7 and codes.count('db-unreadable') == 1, codes
assert d['groups'][0]['source'].endswith('db.sqlite:a.pdf')
" "$tmp/out"; then ok "database: 2 documents read, 1 unreadable, duplicates across documents"; else not_ok "database: 2 documents read, 1 unreadable, duplicates across documents"; fi
	printf 'SQLite format 3\0garbage' >"$tmp/bad.sqlite"
	run "a damaged database exits 2" 2 "^budtab: $tmp/bad.sqlite: " check --format text "$tmp/bad.sqlite"
else
	ok "check a database # SKIP no sqlite3 program"
fi

# build, export, merge: a failed document is one line and exit 1; the
# database and the exports are whole.
mkdir "$tmp/set"
cp "$seed" "$tmp/set/"
: >"$tmp/set/empty.pdf"
run "build without --db is a usage error" 2 '^budtab: |^Try' build "$tmp/set"
run "bad --shard is a usage error" 2 '^budtab: |^Try' build "$tmp/set" --db "$tmp/set.sqlite" --shard 3/2
run "--db is not an extract option" 2 '^budtab: |^Try' extract --db "$tmp/x.sqlite" "$seed"
run "build records a failed document and goes on" 1 "^budtab: $tmp/set/empty.pdf: empty file$" \
	build -q "$tmp/set" --db "$tmp/set.sqlite"
run "build again skips everything" 0 '^$' build -q "$tmp/set" --db "$tmp/set.sqlite"
run "check a database budtab build made" 1 '^$' check --format text "$tmp/set.sqlite"
grep -q "^7 projects checked: 9 findings" "$tmp/out" && ok "check reads the built database's documents" ||
	not_ok "check reads the built database's documents" "$(tail -1 "$tmp/out")"
run "export indicators as CSV" 0 '^$' export --db "$tmp/set.sqlite" --format csv
if [ "$(python3 -c "import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))" "$tmp/out")" -gt 20 ]; then
	ok "the CSV reads back, one row per indicator"
else
	not_ok "the CSV reads back, one row per indicator"
fi
run "export documents as JSONL to a file" 0 '^$' export --db "$tmp/set.sqlite" --format jsonl --table documents -o "$tmp/docs.jsonl"
if python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if sorted(d['status'] for d in r) == ['failed', 'ok'] else 1)" "$tmp/docs.jsonl"; then
	ok "the JSONL has both documents with their status"
else
	not_ok "the JSONL has both documents with their status"
fi
run "unknown export table is a usage error" 2 '^budtab: no table' export --db "$tmp/set.sqlite" --format csv --table nope
run "export of a missing database" 3 "^budtab: $tmp/none.sqlite: no such database$" export --db "$tmp/none.sqlite" --format csv
run "merge" 0 '^budtab: .*: 2 documents added from 1 databases$' merge --db "$tmp/merged.sqlite" "$tmp/set.sqlite"
echo "not a database" >"$tmp/bad.sqlite"
run "merge of a file that is not a database" 3 "^budtab: $tmp/bad.sqlite: " merge --db "$tmp/merged.sqlite" "$tmp/bad.sqlite"

# -o onto what is not a plain file: a link is followed and stays a link,
# a pipe (as /dev/stdout may be) is written into, never replaced.
mkdir "$tmp/links"
ln -s "$tmp/links/target.json" "$tmp/links/link.json"
run "-o through a link to a file not there yet" 0 '^$' extract -o "$tmp/links/link.json" "$seed"
if [ -L "$tmp/links/link.json" ] && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/links/target.json"; then
	ok "the link stays a link, the file it names holds the records"
else
	not_ok "the link stays a link, the file it names holds the records" "$(ls -l "$tmp/links")"
fi
ln -s "$tmp/links/link.json" "$tmp/links/link2.json"
run "-o through a link to a link replaces the file at the end" 0 '^$' grids -o "$tmp/links/link2.json" "$seed"
[ -L "$tmp/links/link.json" ] && [ -L "$tmp/links/link2.json" ] &&
	grep -q '"budtab-grids/1"' "$tmp/links/target.json" &&
	ok "both links stay links" || not_ok "both links stay links" "$(ls -l "$tmp/links")"
ln -s loop1 "$tmp/links/loop2" && ln -s loop2 "$tmp/links/loop1"
run "-o onto a loop of links is an error" 1 "^budtab: .*: $tmp/links/loop1: Too many levels of symbolic links$" grids -o "$tmp/links/loop1" "$seed"
mkfifo "$tmp/fifo"
timeout 30 cat "$tmp/fifo" >"$tmp/from-fifo" &
reader=$!
run "-o onto a pipe" 0 '^$' grids -o "$tmp/fifo" "$seed"
wait "$reader"
if [ -p "$tmp/fifo" ] && grep -q '"budtab-grids/1"' "$tmp/from-fifo"; then
	ok "the pipe stays a pipe, its reader gets the grids"
else
	not_ok "the pipe stays a pipe, its reader gets the grids" "$(ls -l "$tmp/fifo")"
fi
timeout 30 cat "$tmp/fifo" >"$tmp/from-fifo" &
reader=$!
run "export onto a pipe" 0 '^$' export --db "$tmp/set.sqlite" --format csv -o "$tmp/fifo"
wait "$reader"
[ -p "$tmp/fifo" ] && [ "$(wc -l <"$tmp/from-fifo")" -gt 20 ] &&
	ok "export wrote into the pipe" || not_ok "export wrote into the pipe" "$(wc -l <"$tmp/from-fifo") lines"

echo "1..$n"
exit $((fails > 0))
