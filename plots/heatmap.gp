# heatmap.gp: IOPS over iothreads x placement (best median over
# poll-max-ns), one panel per iodepth (and results directory).
# usage: gnuplot -c heatmap.gp HEATMAP.dat OUT.png|OUT.svg CAPTION
if (ARGC != 3) {
	print "usage: gnuplot -c heatmap.gp HEATMAP.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("heatmap.gp")] . "common.gp"
# A multiplot title takes the top: the caption goes to the bottom.
set label 99 at screen 0.5, screen 0.02
unset tmargin
set bmargin 5
stats data using 1 nooutput
nb = STATS_blocks
xmax = STATS_max
stats data using 2 nooutput
ymax = STATS_max
set palette defined (0 "#f7fbff", 1 "#6baed6", 2 "#08306b")
set format cb "%.1s%c"
set xrange [-0.5:xmax+0.5]
set yrange [-0.5:ymax+0.5]
set xlabel "IOThreads"
set ylabel "placement"
unset grid
set key outside top center noautotitle samplen 0
set style fill solid 1.0 noborder
cols = nb < 3 ? nb : 3
rows = (nb + cols - 1) / cols
set multiplot layout rows,cols title "IOPS over IOThreads x placement (best median over poll-max-ns; colour: IOPS)"
do for [i=0:nb-1] {
	plot data index i using 1:2:(0.5):(0.5):3:xtic(4):ytic(5) with boxxyerror fc palette title columnheader(1), \
	     '' index i using 1:2:(sprintf("%.0f", $3)) with labels font ",9" notitle
}
unset multiplot
