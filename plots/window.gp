# window.gp: the adaptive polling window over time in single runs, one
# line per run (a few poll-max-ns values of the first curve).
# usage: gnuplot -c window.gp WINDOW.dat OUT.png|OUT.svg CAPTION
if (ARGC != 3) {
	print "usage: gnuplot -c window.gp WINDOW.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("window.gp")] . "common.gp"
stats data using 1 nooutput
nb = STATS_blocks
set key inside top right opaque box
set title "Polling window over time (one run per line)"
set xlabel "time since the run started (ms)"
set ylabel "polling window (us)"
set yrange [0:*]
plot for [i=0:nb-1] data index i using 1:2 with steps lw 1.5 title columnheader(1)
