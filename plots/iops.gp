# iops.gp: IOPS vs poll-max-ns, one line per curve (iodepth, ...), error
# bars from the spread (min-max) of the repetitions.
# usage: gnuplot -c iops.gp CURVES.dat OUT.png|OUT.svg CAPTION
# CURVES.dat is written by `aiotune plot` (plots/plot.c).
if (ARGC != 3) {
	print "usage: gnuplot -c iops.gp CURVES.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("iops.gp")] . "common.gp"
stats data using 1 nooutput
nb = STATS_blocks
set xrange [STATS_min/1.4:STATS_max*1.4]
stats data using 4 nooutput
set logscale x 2
# IOPS of different iodepths can differ tenfold: log y then.
if (STATS_min > 0 && STATS_max / STATS_min > 8) {
	set logscale y 10
	set ylabel "IOPS (requests/s, log scale)"
} else {
	set yrange [0:*]
	set ylabel "IOPS (requests/s)"
}
set title "IOPS vs poll-max-ns (median of repetitions; bars: min to max)"
set xlabel poll_xlabel
# fio curves (flat: no poll window) are the last blocks; dashed.
stats data using 22 nooutput
nfio = int(STATS_sum / 2)
fio_dt(i) = i >= nb - nfio ? 2 : 1
plot for [i=0:nb-1] data index i using 1:4:5:6:xtic(3) with yerrorlines lw 2 pt 7 ps 0.8 dt fio_dt(i) title columnheader(1)
