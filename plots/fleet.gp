# fleet.gp: a fleet at a glance: each usable host's knee per workload, its
# own recommendation and the deployment default (top; hosts on the x axis,
# grouped by class), and each host's score at the deployment default, as
# a percentage of the best one setting gives that host (bottom).
# usage: gnuplot -c fleet.gp FLEET.dat OUT.png|OUT.svg CAPTION
# FLEET.dat is written by `aiotune report` (plots/plot.c): block 0, one
# row per host: x, host, class (1, 2, ...), own recommendation's position,
# its label, score at the default (%); block 1, the default at both ends
# of the x axis: x, position, label; blocks 2 on, one per workload: x,
# knee position, label. Positions are poll-max-ns, 0 drawn one octave
# below the smallest non-zero value. Each block's first line is its title.
if (ARGC != 3) {
	print "usage: gnuplot -c fleet.gp FLEET.dat OUT.png|OUT.svg CAPTION"
	exit status 2
}
data = ARG1
out = ARG2
caption = ARG3
load ARG0[1:strlen(ARG0)-strlen("fleet.gp")] . "common.gp"
stats data index 0 using 1 nooutput
nh = STATS_records
stats data using 1 nooutput
nb = STATS_blocks
set xrange [-0.6:nh-0.4]
set multiplot layout 2,1
set lmargin at screen 0.09
set rmargin at screen 0.78
set bmargin 2
set logscale y 2
set offsets 0, 0, graph 0.12, graph 0.06
set key outside right top vertical font ",9"
set title "Knee per host and workload, each host's own recommendation, the deployment default"
set ylabel "poll-max-ns (ns, log2; 0 one step below the smallest)"
set format x ""
# Workloads side by side around each host's x.
off(i) = nb > 3 ? (i - 2 - (nb - 3) / 2.0) * 0.12 : 0
plot data index 0 using 1:4:ytic(5) with points pt 6 ps 3 lw 2 lc rgb "#202020" title columnheader(1), \
	data index 1 using 1:2:ytic(3) with lines dt 2 lw 2 lc rgb "#c03030" title columnheader(1), \
	for [i=2:nb-1] data index i using ($1 + off(i)):2:ytic(3) with points pt 7 ps 1.2 lc i title columnheader(1)
unset logscale y
set tmargin 2
set bmargin 7
set title "Score at the deployment default (% of the host's own best; colour: class)"
set ylabel "score (%)"
set yrange [0:115]
set ytics 0, 20
set format x "%g"
set xtics rotate by -30 font ",9"
set style fill solid 0.6 border -1
set boxwidth 0.6
set key off
set offsets 0, 0, 0, 0

plot data index 0 using 1:6:3:xtic(2) with boxes lc variable notitle, \
	data index 0 using 1:6:(sprintf("%.1f", $6)) with labels offset 0,0.7 font ",8" notitle
unset multiplot
