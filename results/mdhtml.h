/*
 * mdhtml.h: the Markdown that aiotune's own printers write (recommend.h,
 * fleet.h, qemu-compare.h with markdown set) as HTML, so the HTML report
 * shows the same text as `report --format md` and `recommend
 * --markdown`. The subset: "| a | b |" tables (the second line "|---|"
 * is dropped; "\|" is a literal bar), ``` fenced blocks, "- " list
 * items, "#" headings (one level below the page's: "# " is <h3>), blank
 * lines between paragraphs, **bold** and `code` inside a line. All text
 * is escaped; nothing else is interpreted.
 */
#ifndef AIOTUNE_RESULTS_MDHTML_H
#define AIOTUNE_RESULTS_MDHTML_H

#include <stdbool.h>
#include <stdio.h>

/* Write s as HTML text: &, <, >, " escaped. */
void res_html_esc(FILE *f, const char *s);
/* The same for the first n bytes of s. */
void res_html_escn(FILE *f, const char *s, size_t n);
/* Write the Markdown md as HTML (tables wrapped in <div class="tw">). */
void res_md_html(FILE *f, const char *md);

#endif
