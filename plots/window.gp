# window.gp: the adaptive polling window over time in single runs, one
# panel per run (a few poll-max-ns values of the first curve), from the
# start of the measured window.
# usage: gnuplot -c window.gp WINDOW.dat OUT.png|OUT.svg CAPTION
if (ARGC != 3) {
	print "usage: gnuplot -c window.gp WINDOW.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("window.gp")] . "common.gp"
# A multiplot title takes the top: the caption goes to the bottom.
set label 99 at screen 0.5, screen 0.02
unset tmargin
set bmargin 5
stats data using 1 nooutput
nb = STATS_blocks
xmax = STATS_max
stats data using 2 nooutput
ymax = STATS_max > 0 ? STATS_max * 1.15 : 1
set xrange [0:xmax]
set yrange [0:ymax]
set key inside top right opaque box samplen 1 font ",9"
# Two or three y tics per panel, at a round step.
ytic = 10**floor(log10(ymax / 2.0))
ytic = ymax / ytic > 10 ? ytic * 5 : ymax / ytic > 4 ? ytic * 2 : ytic
set ytics 0, ytic font ",8"
set grid
set label 98 "polling window (us)" at screen 0.015, screen 0.55 center rotate by 90
set multiplot layout nb,1 title "Polling window over time, one run per panel" \
	margins 0.08,0.97,0.16,0.92 spacing 0,0.015
set format x ""
do for [i=0:nb-1] {
	if (i == nb - 1) {
		set format x "%g"
		set xlabel "time since the measurement started (ms)"
	}
	plot data index i using 1:2 with steps lw 1.2 lc i+1 title columnheader(1)
}
unset multiplot
