#!/bin/sh
# mkman.sh AIOTUNE TEMPLATE VERSION DATE DATADIR: the man page aiotune.1
# on stdout: TEMPLATE (dist/aiotune.1.in, the hand-written sections) with
# @VERSION@, @DATE@ and @DATADIR@ replaced, @SUMMARY@ replaced by the
# list of subcommands of `AIOTUNE help` and @COMMANDS@ by each
# subcommand's `AIOTUNE CMD --help`, converted to roff: so the page
# describes every subcommand and option the binary has, in its own words.
# Help text layout: prose lines start in column 0 (filled), lines that
# start with a space are option tables (kept as they are).
set -eu
bin=$1 tmpl=$2 version=$3 date=$4 datadir=$5

# roff-escape stdin: backslashes, minus signs, control characters at the
# start of a line.
esc() {
	sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

cmds=$("$bin" help | awk '/^commands:/ { on = 1; next }
	on && NF == 0 { exit } on { print $1 }')
[ -n "$cmds" ] || { echo "mkman.sh: no commands in '$bin help'" >&2; exit 1; }

summary() {
	"$bin" help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit }
		on { n = $1; sub(/^ *[^ ]+ +/, ""); print n "\t" $0 }' |
	while IFS='	' read -r name text; do
		printf '.TP\n.B %s\n%s\n' "$(printf '%s\n' "$name" | esc)" \
			"$(printf '%s\n' "$text" | esc)"
	done
}

# One subcommand: .SS with its usage line, then the rest of its help.
command_section() {
	"$bin" "$1" --help >"$tmp/help" || {
		echo "mkman.sh: '$bin $1 --help' failed" >&2; exit 1; }
	head -n 1 "$tmp/help" | sed -e 's/^usage: //' | esc |
		sed -e 's/^/.SS "/' -e 's/$/"/'
	tail -n +2 "$tmp/help" | esc | awk '
	function close_block() { if (block) print ".fi\n.RE"; block = 0 }
	NF == 0 { close_block(); para = 1; next }
	/^ / {
		if (!block) { print ".PP\n.RS 2\n.nf"; block = 1 }
		sub(/^  /, ""); print; para = 0; next
	}
	{
		if (block) { close_block(); para = 1 }
		if (para || !started) print ".PP"
		para = 0; started = 1; print
	}
	END { close_block() }'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotune-man-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
summary >"$tmp/summary"
: >"$tmp/commands"
for c in $cmds; do
	command_section "$c" >>"$tmp/commands"
done
# A value for sed's replacement: roff-escaped, then sed-escaped.
sedval() {
	printf '%s' "$1" | esc | sed -e 's/[\\&|]/\\&/g'
}
awk -v sf="$tmp/summary" -v cf="$tmp/commands" '
	/^@SUMMARY@$/ { while ((getline l < sf) > 0) print l; next }
	/^@COMMANDS@$/ { while ((getline l < cf) > 0) print l; next }
	{ print }' "$tmpl" |
	sed -e "s|@VERSION@|$(sedval "$version")|g" \
		-e "s|@DATE@|$(sedval "$date")|g" \
		-e "s|@DATADIR@|$(sedval "$datadir")|g"
