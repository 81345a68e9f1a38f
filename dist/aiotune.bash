# bash completion for aiotune (installed as
# share/bash-completion/completions/aiotune).
#
# Nothing is listed here: the subcommands come from `aiotune help` and each
# one's options from `aiotune CMD --help`, asked of the very binary being
# completed, so the completion follows the program. In a help text an
# option is a "--name" that starts a column of an option line (a line
# that starts with two spaces and "--"), or is named in the usage line
# outside parentheses;
# "[aiotune X options]" in the usage line adds X's options.

# The subcommands of binary $1, one a line.
_aiotune_commands()
{
	"$1" help 2>/dev/null | awk '/^commands:/ { on = 1; next }
		on && NF == 0 { exit } on { print $1 }'
}

# The options of subcommand $2 of binary $1, one a line as "--name" or
# "--name ARG" (it takes a value); $3 set: do not follow "[aiotune X
# options]" (one level is all the help texts use).
_aiotune_options()
{
	local line
	"$1" "$2" --help 2>/dev/null | awk '
	NR == 1 {
		s = $0
		while (match(s, /\[aiotune [a-z-]+ options\]/)) {
			print "@" substr(s, RSTART + 9, RLENGTH - 18)
			s = substr(s, RSTART + RLENGTH)
		}
		s = $0
		gsub(/\([^)]*\)/, "", s)
		while (match(s, /--[a-z][a-z0-9-]*( [A-Z][A-Z]*)?/)) {
			print substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
		}
		next
	}
	/^  --/ {
		n = split($0, col, /   */)
		for (i = 1; i <= n; i++)
			if (col[i] ~ /^--[a-z]/) {
				split(col[i], w, / /)
				o = w[1]
				if (w[2] ~ /^[A-Z0-9]/)
					o = o " " w[2]
				print o
			}
	}' | while read -r line; do
		case $line in
		@*) [ -n "$3" ] || _aiotune_options "$1" "${line#@}" 1 ;;
		*) printf '%s\n' "$line" ;;
		esac
	done | sort -u
}

_aiotune()
{
	local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
	local prev= cmd= i opts words=

	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	COMPREPLY=()
	if [ -z "$cmd" ]; then
		words="$(_aiotune_commands "$bin") help --help --version"
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	opts=$(_aiotune_options "$bin" "$cmd")
	# The previous word takes a value: files and directories.
	if [ "$prev" != "$cmd" ] &&
	    printf '%s\n' "$opts" | grep -q -- "^$prev "; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
	fi
	if [[ $cur == -* ]]; then
		words=$(printf '%s\n' "$opts" | sed -e 's/ .*//' | sort -u)
		COMPREPLY=($(compgen -W "$words --help" -- "$cur"))
		return 0
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
	return 0
}
complete -o filenames -F _aiotune aiotune
