# latency.gp: latency p50 (solid) and p99 (dashed) vs poll-max-ns, one
# pair of lines per curve, medians of the repetitions with min-max bars.
# usage: gnuplot -c latency.gp CURVES.dat OUT.png|OUT.svg CAPTION
if (ARGC != 3) {
	print "usage: gnuplot -c latency.gp CURVES.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("latency.gp")] . "common.gp"
stats data using 1 nooutput
nb = STATS_blocks
set xrange [STATS_min/1.4:STATS_max*1.4]
set logscale x 2
set logscale y 10
set title "Latency vs poll-max-ns: p50 (solid) and p99 (dashed)"
set xlabel poll_xlabel
set ylabel "latency (us, log scale)"
plot for [i=0:nb-1] data index i using 1:7:8:9:xtic(3) with yerrorlines lw 2 pt 7 ps 0.8 lc i+1 title columnheader(1) . " p50", \
     for [i=0:nb-1] data index i using 1:10:11:12 with yerrorlines lw 2 dt 2 pt 5 ps 0.8 lc i+1 title columnheader(1) . " p99"
