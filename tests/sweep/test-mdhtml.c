/*
 * test-mdhtml.c: the report's Markdown subset as HTML: tables (header
 * row, the rule line dropped, escaped bars, cells escaped), fenced
 * blocks kept verbatim but escaped, lists, headings, paragraphs, **bold**
 * and `code`, and nothing of the input reaching the page unescaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/mdhtml.h"
#include "tests/lib/test.h"

static char *html(const char *md)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NOT_NULL(f);
	res_md_html(f, md);
	fclose(f);
	return buf;
}

static void expect(const char *md, const char *want)
{
	char *got = html(md);

	ASSERT_STREQ(got, want);
	free(got);
}

int main(void)
{
	expect("| a | b |\n|---|---|\n| 1 | x \\| y |\n",
	       "<div class=\"tw\"><table>\n<tr><th>a</th><th>b</th></tr>\n"
	       "<tr><td>1</td><td>x | y</td></tr>\n</table></div>\n");
	/* An empty cell stays a cell; a row without the last bar too. */
	expect("| a | | c\n",
	       "<div class=\"tw\"><table>\n<tr><th>a</th><th></th>"
	       "<th>c</th></tr>\n</table></div>\n");
	expect("**QEMU:**\n```xml\n  <poll max='1'/> & \"x\"\n```\n",
	       "<p><strong>QEMU:</strong></p>\n<pre>  &lt;poll max='1'/&gt; "
	       "&amp; &quot;x&quot;\n</pre>\n");
	expect("- warning: a <b>\n- two\n\ntext `c` **b**\nmore\n",
	       "<ul>\n<li>warning: a &lt;b&gt;</li>\n<li>two</li>\n</ul>\n"
	       "<p>text <code>c</code> <strong>b</strong><br>\nmore</p>\n");
	expect("# Head\n## Sub\n", "<h3>Head</h3>\n<h4>Sub</h4>\n");
	/* Unpaired markers are text; an unclosed fence still closes. */
	expect("a ** b ` c\n", "<p>a ** b ` c</p>\n");
	expect("```\nx\n", "<pre>x\n</pre>\n");
	expect("", "");
	{
		char *got = html("<script>alert(1)</script>\n| <i> |\n");

		ASSERT(!strstr(got, "<script"));
		ASSERT(!strstr(got, "<i>"));
		free(got);
	}
	return T_EXIT_PASS;
}
