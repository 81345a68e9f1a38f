# cpu.gp: CPU use of the IOThread(s) (top) and IOPS per CPU (bottom) vs
# poll-max-ns: what the IOPS of iops.gp cost.
# usage: gnuplot -c cpu.gp CURVES.dat OUT.png|OUT.svg CAPTION
if (ARGC != 3) {
	print "usage: gnuplot -c cpu.gp CURVES.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("cpu.gp")] . "common.gp"
stats data using 1 nooutput
nb = STATS_blocks
set xrange [STATS_min/1.4:STATS_max*1.4]
set logscale x 2
# fio curves (flat: no poll window) are the last blocks; dashed.
stats data using 22 nooutput
nfio = int(STATS_sum / 2)
fio_dt(i) = i >= nb - nfio ? 2 : 1
# The caption sits at the top (common.gp): no multiplot title; one legend,
# under the lower panel.
set multiplot layout 2,1
set bmargin 2
set key off
set title "CPU cost of polling: IOThread CPU vs poll-max-ns (medians; bars: min to max)"
set ylabel "CPU (% of one CPU)"
set yrange [0:*]
set xlabel ""
plot for [i=0:nb-1] data index i using 1:13:14:15:xtic(3) with yerrorlines lw 2 pt 7 ps 0.8 dt fio_dt(i) title columnheader(1)
set bmargin 6
set tmargin 2
set key on
set title "Efficiency"
set ylabel "IOPS per CPU (IOPS / busy CPUs)"
set xlabel poll_xlabel
plot for [i=0:nb-1] data index i using 1:16:17:18:xtic(3) with yerrorlines lw 2 pt 7 ps 0.8 dt fio_dt(i) title columnheader(1)
unset multiplot
