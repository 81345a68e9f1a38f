# pollhit.gp: poll hit rate (polls that found work before the window
# ended, % of polls) vs poll-max-ns.
# usage: gnuplot -c pollhit.gp CURVES.dat OUT.png|OUT.svg CAPTION
if (ARGC != 3) {
	print "usage: gnuplot -c pollhit.gp CURVES.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("pollhit.gp")] . "common.gp"
stats data using 1 nooutput
nb = STATS_blocks
set xrange [STATS_min/1.4:STATS_max*1.4]
set logscale x 2
set yrange [0:105]
set title "Poll hit rate vs poll-max-ns (no point where nothing polled)"
set xlabel poll_xlabel
set ylabel "poll hits (% of polls)"
plot for [i=0:nb-1] data index i using 1:19:20:21:xtic(3) with yerrorlines lw 2 pt 7 ps 0.8 title columnheader(1)
