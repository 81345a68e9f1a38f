#!/bin/sh
# report-chromium.sh: the HTML report as a browser shows it. Headless
# Chromium (Debian's chromium) renders two pages at 1366x768, a laptop
# screen: the fleet of tests/fixtures/fleet-lab, and one host's aiotune
# sweep with fio's runs beside it (results/ref/fio-compare-ref). For each:
# - the page loads: the page's own script ran on its load event and left
#   its data- attributes on <body> (results/report.h);
# - every image it references exists: each <img> is a data: URI holding
#   a PNG or a file beside the page, and Chromium decoded every one
#   (data-images-loaded = data-images); nothing refers outside the page
#   (no http(s) URL, no outside script or style sheet);
# - the recommendation is in the first screen: the bottom of its setting
#   line is inside the window, and it shows the setting worked out in
#   tests/sweep/fleet-recommend.sh (fleet) or recommend's (host);
# - nothing scrolls sideways: neither the page nor anything inside the
#   recommendation is wider than its box;
# - a screenshot at 1366x768 is written (a PNG of that size), kept under
#   BUILD/test-logs/report-chromium/ to look at.
# Skips (77) only when chromium is not installed or cannot render at all.
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=${AIOTUNE:?}
F=$here/../fixtures/fleet-lab
R=$here/../../results/ref/fio-compare-ref
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shots=${BUILD:-build}/test-logs/report-chromium
fail() { echo "FAIL: $*"; exit 1; }

command -v chromium >/dev/null 2>&1 ||
	{ echo "SKIP: chromium is not installed (scripts/deps.sh)"; exit 77; }
# Each call has its own profile, so runs side by side do not meet; the
# time limits are generous: only a hang fails them.
chrome()
{
	prof=$1
	shift
	timeout -k 10 90 chromium --headless --no-sandbox --disable-gpu \
		--disable-extensions --no-first-run --hide-scrollbars \
		--user-data-dir="$tmp/profile-$prof" --window-size=1366,768 \
		"$@" 2>>"$tmp/chromium.log"
}
printf '<!DOCTYPE html><html><body><p id="x">ok</p></body></html>\n' \
	>"$tmp/probe.html"
chrome probe --dump-dom "file://$tmp/probe.html" >"$tmp/probe.out" ||
	true
grep -q '<p id="x">ok</p>' "$tmp/probe.out" || {
	tail -5 "$tmp/chromium.log"
	echo "SKIP: chromium cannot render a page here"
	exit 77
}
mkdir -p "$shots" || fail "cannot make $shots"

# check PAGE NAME SETTING: the checks above on one page.
check()
{
	page=$1 name=$2 setting=$3
	chrome "$name-dom" --run-all-compositor-stages-before-draw \
		--virtual-time-budget=10000 --dump-dom "file://$page" \
		>"$tmp/$name.dom" || fail "$name: chromium --dump-dom exited $?"
	chrome "$name-shot" --run-all-compositor-stages-before-draw \
		--virtual-time-budget=10000 \
		--screenshot="$tmp/$name.png" "file://$page" >/dev/null ||
		fail "$name: chromium --screenshot exited $?"
	cp "$tmp/$name.png" "$shots/$name.png" || fail "$name: no screenshot"
	python3 - "$page" "$tmp/$name.dom" "$tmp/$name.png" "$setting" <<'EOF'
import base64, html.parser, os, re, struct, sys

page, dom, shot, setting = sys.argv[1:5]
name = os.path.basename(os.path.dirname(page)) + "/" + os.path.basename(page)

def fail(msg):
    print("FAIL: %s: %s" % (name, msg))
    sys.exit(1)

class Refs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.outside = [], []
        self.body, self.rec, self.depth, self.text = None, False, 0, ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        for k in ("src", "href"):
            v = a.get(k) or ""
            if re.match(r"^(https?:)?//", v):
                self.outside.append(v)
        if tag == "link" and "stylesheet" in (a.get("rel") or ""):
            self.outside.append(a.get("href", "a style sheet"))
        if tag == "script" and a.get("src"):
            self.outside.append(a["src"])
        if self.rec:
            self.depth += 1
        elif a.get("id") == "recommendation":
            self.rec, self.depth = True, 1
    def handle_endtag(self, tag):
        if self.rec:
            self.depth -= 1
            if self.depth == 0:
                self.rec = False
    def handle_data(self, d):
        if self.rec:
            self.text += d

src = Refs()
src.feed(open(page, encoding="utf-8").read())
if src.outside:
    fail("refers outside the page: %s" % src.outside[:3])
for s in src.imgs:
    if s.startswith("data:"):
        m = re.match(r"^data:image/png;base64,(.*)$", s, re.S)
        if not m:
            fail("an image that is not a base64 PNG: %s" % s[:40])
        if not base64.b64decode(m.group(1)).startswith(b"\x89PNG\r\n\x1a\n"):
            fail("a data: image is not a PNG")
    elif not os.path.isfile(os.path.join(os.path.dirname(page), s)):
        fail("image %s does not exist" % s)

d = Refs()
d.feed(open(dom, encoding="utf-8").read())
b = d.body or {}
if "data-setting-bottom" not in b:
    fail("the page's script did not run on load (no data- attributes "
         "on <body>): the page did not load")
w, h = (int(x) for x in b["data-viewport"].split("x"))
bottom = int(b["data-setting-bottom"])
if not 0 < bottom <= h:
    fail("the setting's bottom is at %dpx, outside the first screen "
         "(%dx%d)" % (bottom, w, h))
if setting not in d.text:
    fail("the recommendation does not say %r" % setting)
if b["data-scroll-x"] != "0":
    fail("the page scrolls sideways at %dpx" % w)
if b["data-rec-scroll-x"] != "0":
    fail("%s elements of the recommendation scroll sideways"
         % b["data-rec-scroll-x"])
if int(b["data-images"]) != len(src.imgs):
    fail("%s images in the DOM, %d in the page" % (b["data-images"],
                                                   len(src.imgs)))
if b["data-images-loaded"] != b["data-images"]:
    fail("%s of %s images decoded" % (b["data-images-loaded"],
                                      b["data-images"]))
png = open(shot, "rb").read(24)
if png[:8] != b"\x89PNG\r\n\x1a\n":
    fail("the screenshot is not a PNG")
sw, sh = struct.unpack(">II", png[16:24])
if (sw, sh) != (1366, 768):
    fail("the screenshot is %dx%d, not 1366x768" % (sw, sh))
print("%s: loads, %d images present and decoded, setting's bottom at "
      "%dpx of %d, no sideways scrolling" % (name, len(src.imgs), bottom,
                                              h))
EOF
	[ $? -eq 0 ] || exit 1
}

# The fleet, with the setting fleet-recommend.sh works out by hand.
cp -r "$F" "$tmp/fleet" || fail "cannot copy the fixture"
"$A" report --objective throughput "$tmp/fleet" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; fail "report on the fleet exited $?"; }
check "$tmp/fleet/report.html" fleet "poll-max-ns=65536 (64k)"
grep -q 'class 2 (INTEL SSDPF21Q800GB' "$tmp/fleet/report.html" ||
	fail "fleet: the class settings are not on the page"
# With gnuplot, the page has the fleet figure among its images.
if command -v gnuplot >/dev/null 2>&1; then
	grep -q 'img alt="fleet"' "$tmp/fleet/report.html" ||
		fail "fleet: no fleet figure"
fi

# One host: aiotune's sweep and fio's runs, two directories, one page.
"$A" report --output "$tmp/host/report.html" "$R/aiotune" "$R/fio" \
	>"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "report on one host"; }
want=$("$A" recommend "$R/aiotune" "$R/fio" |
	sed -n 's/^Recommendation: \(poll-max-ns=[0-9]* ([0-9a-z]*)\).*/\1/p')
[ -n "$want" ] || fail "recommend printed no recommendation"
check "$tmp/host/report.html" host "$want"
grep -q 'fio baseline' "$tmp/host/report.html" ||
	fail "host: no fio baseline beside aiotune"
echo "screenshots: $shots/fleet.png $shots/host.png"
