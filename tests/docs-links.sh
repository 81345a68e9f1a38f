#!/bin/sh
# docs-links.sh: the repository stands on its own. No file (build/ and
# .git/ excluded) may point outside it: at ../shared, at the design notes
# the docs/ files were written from (by their old upper-case names), or
# at a docs/*.md file that does not exist; a "docs/x.md section N" must
# name a numbered heading of that file; a relative Markdown link must
# name a file that exists. docs/README.md lists the documents.
#
# The checker first runs on a fixture tree holding one of each kind of
# bad reference (and good ones, and a build/ directory it must skip), so
# a checker that finds nothing fails here instead of passing. This script
# holds those bad references itself, so it is the one file not scanned.
# Exit 0 pass, 1 fail, 77 without python3.
set -u
command -v python3 >/dev/null 2>&1 ||
	{ echo "skip: python3 is not installed"; exit 77; }
root=$(cd "$(dirname "$0")/.." && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-docs-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/check.py" <<'EOF'
import os
import re
import subprocess
import sys

root = sys.argv[1]
SELF = 'tests/docs-links.sh'

# Paths outside the repository and the old names of the design notes,
# spelled so that a plain grep for those names does not find this file.
OUTSIDE = [
    r'\.\./share[d]\b',
    r'/work/share[d]\b',
    r'\bshare[d]/design\b',
    r'\bAIOCONTEX[T]\b',
    r'\bANCHOR[S]\b',
    r'\b(?:MACHIN[E]|ARCHITECTUR[E]|STYL[E])\.md\b',
]
OUTSIDE_RE = re.compile('|'.join(OUTSIDE))

# A line break inside a comment: newline, indent, a comment leader.
SEP = r'(?:[ \t]*\n[ \t]*(?:\*(?!/)|;+|#+|//|-)?[ \t]*|[ \t]+)'
NUM = r'\d+(?:\.\d+)*'
ITEM = NUM + r'(?:-' + NUM + r')?'
# "section 3.2", "sections 2.2-2.4 and 3", "section 5, and section 13"
NUMLIST = ITEM + r'(?:,?' + SEP + r'(?:and' + SEP + r')?(?:[Ss]ections?' + \
    SEP + r')?' + ITEM + r')*'
SECTION = r'(?:,?' + SEP + r'(?:[Ss]ections?|§)' + SEP + r'(' + NUMLIST + \
    r'))?'
DOCS_RE = re.compile(r'(?<![\w/.-])docs/([\w.-]+\.md)\b' + SECTION)
BARE_RE = re.compile(r'(?<![\w/.-])([\w.-]+\.md)\b' + SECTION)
OWN_RE = re.compile(r'\b(?:[Ss]ections?|§)' + SEP + r'(' + NUMLIST + r')')
LINK_RE = re.compile(r'\]\(([^)\s]+)\)')
HEADING_RE = re.compile(r'^#{1,6}[ \t]+(\d+(?:\.\d+)*)\.?[ \t]', re.M)


def repo_files():
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files', '-co',
                              '--exclude-standard', '-z'],
                             capture_output=True, check=True).stdout
        names = [n.decode() for n in out.split(b'\0') if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for d, dirs, files in os.walk(root):
            rel = os.path.relpath(d, root)
            dirs[:] = [x for x in dirs if not (rel == '.' and x == 'build')
                       and x != '.git']
            names += [os.path.normpath(os.path.join(rel, f)) for f in files]
    for n in sorted(names):
        parts = n.split('/')
        if parts[0] == 'build' or '.git' in parts or n == SELF:
            continue
        if os.path.isfile(os.path.join(root, n)):
            yield n


def read_text(path):
    with open(path, 'rb') as f:
        data = f.read()
    if b'\0' in data[:8192]:
        return None
    return data.decode('utf-8', 'replace')


headings = {}


def sections_of(path):
    if path not in headings:
        text = read_text(path) or ''
        headings[path] = set(HEADING_RE.findall(text))
    return headings[path]


def numbers(lst):
    return re.findall(NUM, lst)


problems = []


def report(name, text, pos, what):
    line = text.count('\n', 0, pos) + 1
    problems.append('%s:%d: %s' % (name, line, what))


def check_section_ref(name, text, m, target, shown):
    if not os.path.isfile(target):
        report(name, text, m.start(), '%s does not exist' % shown)
        return
    if m.group(2):
        have = sections_of(target)
        for n in numbers(m.group(2)):
            if n not in have:
                report(name, text, m.start(),
                       '%s has no section %s' % (shown, n))


for name in repo_files():
    path = os.path.join(root, name)
    text = read_text(path)
    if text is None:
        continue
    for m in OUTSIDE_RE.finditer(text):
        report(name, text, m.start(),
               'points outside the repository: "%s"' % m.group(0))
    named = []
    for m in DOCS_RE.finditer(text):
        named.append((m.start(), m.end()))
        check_section_ref(name, text, m, os.path.join(root, 'docs',
                                                      m.group(1)),
                          'docs/' + m.group(1))
    if name.startswith('docs/') and name.endswith('.md'):
        # Inside docs/, "machine.md section 2" means docs/machine.md, and
        # a "section 2" after no file name means this file's.
        for m in BARE_RE.finditer(text):
            if m.group(2):
                named.append((m.start(), m.end()))
                check_section_ref(name, text, m,
                                  os.path.join(root, 'docs', m.group(1)),
                                  'docs/' + m.group(1))
        for m in OWN_RE.finditer(text):
            if any(a <= m.start() < b for a, b in named):
                continue
            have = sections_of(path)
            for n in numbers(m.group(1)):
                if n not in have:
                    report(name, text, m.start(),
                           'no section %s in this file' % n)
    if name.endswith('.md'):
        for m in LINK_RE.finditer(text):
            link = m.group(1).split('#')[0]
            if not link or re.match(r'[a-z]+:', link):
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path),
                                                   link))
            if not os.path.exists(target):
                report(name, text, m.start(),
                       'link to %s, which does not exist' % link)

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF

# The fixture: each bad file must be reported, the good one must not.
fx=$tmp/fixture
mkdir -p "$fx/docs" "$fx/src" "$fx/build"
printf '# Real\n\n## 1. One\n\n### 1.1 Sub\n\n## 2 Two\n' >"$fx/docs/real.md"
# The old names are split so that a plain grep for them misses this file.
sh_=shared; ctx_=AIO${x:-}CONTEXT; anc_=ANCH${x:-}ORS; mach_=MACHINE
printf '/* see ../%s/design/notes */\n' $sh_ >"$fx/src/bad-shared.c"
printf '/* (%s.md 3.2) */\n' $ctx_ >"$fx/src/bad-old-name.c"
printf '; (%s 4.7)\n' $anc_ >"$fx/src/bad-bare.ini"
printf 'as %s.md says\n' $mach_ >"$fx/src/bad-old-name2.txt"
printf '/* docs/nothere.md */\n' >"$fx/src/bad-missing.c"
printf '/* docs/real.md section 9 */\n' >"$fx/src/bad-section.c"
printf '/*\n * see docs/real.md\n * section 7\n */\n' >"$fx/src/bad-wrapped.c"
printf '/* docs/real.md sections 1 and 3 */\n' >"$fx/src/bad-list.c"
printf '/* docs/real.md section 1, and section 8 */\n' >"$fx/src/bad-tail.c"
printf '[x](missing.md)\n' >"$fx/docs/bad-link.md"
printf 'see real.md section 5\n' >"$fx/docs/bad-bare-section.md"
printf '# Own\n\n## 1. A\n\nAs section 1 says; see section 4.\n' \
	>"$fx/docs/bad-own-section.md"
printf '/* docs/real.md section 1.1, docs/real.md sections 1-2 */\n' \
	>"$fx/src/good.c"
printf '/* docs/real.md section 1, and section 2, items 4-5; */\n' \
	>>"$fx/src/good.c"
printf '[r](real.md), [s](../src/good.c#top), [w](https://x.org/a.md)\n' \
	>"$fx/docs/good.md"
printf '/* ../%s/design */\n' $sh_ >"$fx/build/ignored.c"

python3 "$tmp/check.py" "$fx" >"$tmp/fixture.out"
fail=0
for f in src/bad-shared.c src/bad-old-name.c src/bad-bare.ini \
	src/bad-old-name2.txt src/bad-missing.c src/bad-section.c \
	src/bad-wrapped.c src/bad-list.c src/bad-tail.c docs/bad-link.md \
	docs/bad-bare-section.md docs/bad-own-section.md; do
	grep -q "^$f:" "$tmp/fixture.out" ||
		{ echo "FAIL: the checker missed $f"; fail=1; }
done
if grep -q '^src/good.c:\|^docs/good.md:\|^docs/real.md:\|^build/' \
	"$tmp/fixture.out"; then
	echo "FAIL: the checker flagged good references:"
	cat "$tmp/fixture.out"
	fail=1
fi
[ $fail -eq 0 ] || exit 1
echo "checker: every planted problem found ($(wc -l <"$tmp/fixture.out")" \
	"reports)"

if ! python3 "$tmp/check.py" "$root" >"$tmp/repo.out"; then
	echo "FAIL: references outside the repository or to missing docs:"
	cat "$tmp/repo.out"
	exit 1
fi
echo "docs-links: no reference leaves the repository; every docs/ file" \
	"and section cited exists"
exit 0
