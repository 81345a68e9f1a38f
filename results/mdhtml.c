/* mdhtml.c: aiotune's Markdown subset as HTML. */
#include <string.h>

#include "results/mdhtml.h"

void res_html_escn(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(s[i], f);
		}
	}
}

void res_html_esc(FILE *f, const char *s)
{
	if (s)
		res_html_escn(f, s, strlen(s));
}

/* One line's text with **bold** and `code`; "\|" is a bar. */
static void inline_md(FILE *f, const char *s, size_t n)
{
	bool bold = false, code = false;

	for (size_t i = 0; i < n; i++) {
		if (!code && s[i] == '*' && i + 1 < n && s[i + 1] == '*' &&
		    (bold || memchr(s + i + 2, '*', n - i - 2))) {
			fputs(bold ? "</strong>" : "<strong>", f);
			bold = !bold;
			i++;
		} else if (s[i] == '`' && (code || memchr(s + i + 1, '`',
							  n - i - 1))) {
			fputs(code ? "</code>" : "<code>", f);
			code = !code;
		} else if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') {
			fputc('|', f);
			i++;
		} else {
			res_html_escn(f, s + i, 1);
		}
	}
	if (code)
		fputs("</code>", f);
	if (bold)
		fputs("</strong>", f);
}

/* A table row: cells between unescaped bars (s[0] is a bar). */
static void table_row(FILE *f, const char *s, size_t n, bool head)
{
	size_t i = 1;

	fputs("<tr>", f);
	while (i < n) {
		size_t start = i, end;
		bool closed;

		while (i < n && !(s[i] == '|' && s[i - 1] != '\\'))
			i++;
		closed = i < n;
		end = i;
		while (start < end && s[start] == ' ')
			start++;
		while (end > start && s[end - 1] == ' ')
			end--;
		if (!closed && end == start)
			break;
		fputs(head ? "<th>" : "<td>", f);
		inline_md(f, s + start, end - start);
		fputs(head ? "</th>" : "</td>", f);
		i++;
	}
	fputs("</tr>\n", f);
}

static bool is_rule(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("|-: ", s[i]))
			return false;
	return n > 0 && memchr(s, '-', n);
}

enum block { B_NONE, B_P, B_UL, B_TABLE, B_PRE };

static void close_block(FILE *f, enum block *b)
{
	static const char *const ends[] = {
		[B_NONE] = "", [B_P] = "</p>\n", [B_UL] = "</ul>\n",
		[B_TABLE] = "</table></div>\n", [B_PRE] = "</pre>\n",
	};

	fputs(ends[*b], f);
	*b = B_NONE;
}

void res_md_html(FILE *f, const char *md)
{
	enum block b = B_NONE;
	const char *line = md;
	bool head = false;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (b == B_PRE) {
			if (n >= 3 && !strncmp(line, "```", 3)) {
				close_block(f, &b);
			} else {
				res_html_escn(f, line, n);
				fputc('\n', f);
			}
		} else if (n >= 3 && !strncmp(line, "```", 3)) {
			close_block(f, &b);
			fputs("<pre>", f);
			b = B_PRE;
		} else if (n && line[0] == '|') {
			if (b != B_TABLE) {
				close_block(f, &b);
				fputs("<div class=\"tw\"><table>\n", f);
				b = B_TABLE;
				head = true;
			}
			if (!is_rule(line, n))
				table_row(f, line, n, head);
			head = false;
		} else if (n >= 2 && line[0] == '-' && line[1] == ' ') {
			if (b != B_UL) {
				close_block(f, &b);
				fputs("<ul>\n", f);
				b = B_UL;
			}
			fputs("<li>", f);
			inline_md(f, line + 2, n - 2);
			fputs("</li>\n", f);
		} else if (n && line[0] == '#') {
			size_t l = strspn(line, "#");
			int level = l + 2 > 6 ? 6 : (int)l + 2;

			close_block(f, &b);
			fprintf(f, "<h%d>", level);
			inline_md(f, line + l + (line[l] == ' '), n - l -
				  (line[l] == ' '));
			fprintf(f, "</h%d>\n", level);
		} else if (strspn(line, " \t") < n) {
			if (b != B_P) {
				close_block(f, &b);
				fputs("<p>", f);
				b = B_P;
			} else {
				fputs("<br>\n", f);
			}
			inline_md(f, line, n);
		} else {
			close_block(f, &b);
		}
		line = nl ? nl + 1 : NULL;
	}
	close_block(f, &b);
}
