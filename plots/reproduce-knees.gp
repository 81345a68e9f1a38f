# reproduce-knees.gp: the cross-device figures of make reproduce
# (scripts/reproduce.sh): one line per device, iodepth 1 (left) and 32
# (right), x = poll-max-ns (log 2; 0 drawn one octave left of the smallest
# non-zero value). MODE gain: median IOPS over the median IOPS at
# poll-max-ns 0 (1 = no gain); MODE cpu: median IOThread CPU %.
# usage: gnuplot -c reproduce-knees.gp QD1.dat QD32.dat OUT.png|OUT.svg gain|cpu CAPTION
# QDn.dat: blocks "device" then lines "x ratio label cpu" (reproduce.sh).
if (ARGC != 5) {
	print "usage: gnuplot -c reproduce-knees.gp QD1.dat QD32.dat OUT.png|OUT.svg gain|cpu CAPTION"
	exit status 2
}
qd1 = ARG1
qd32 = ARG2
out = ARG3
mode = ARG4
caption = ARG5
if (mode ne "gain" && mode ne "cpu") {
	print sprintf("MODE must be gain or cpu, not '%s'", mode)
	exit status 2
}
# Blocks and x range of each file.
stats qd1 using 1 nooutput
nb1 = STATS_blocks
lo1 = STATS_min
hi1 = STATS_max
stats qd32 using 1 nooutput
nb2 = STATS_blocks
lo2 = STATS_min
hi2 = STATS_max
ext = strlen(out) > 4 ? out[strlen(out)-3:] : ""
if (ext eq ".png") {
	if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
		set terminal pngcairo size 1200,560 noenhanced font "sans,10"
	} else {
		set terminal png size 1200,560 noenhanced
	}
} else {
	if (ext eq ".svg") {
		set terminal svg size 1200,560 noenhanced dynamic font "sans,11" background "white"
	} else {
		print sprintf("OUT must end in .png or .svg, not '%s'", out)
		exit status 2
	}
}
set output out
set grid lc rgb "#d0d0d0"
set key top left Left reverse samplen 2 font ",9" box opaque
set logscale x 2
set xlabel "poll-max-ns (ns, log2; 0 drawn one step left)"
set datafile missing "NaN"
# The 16-32 us band of QEMU's 2016 finding.
set object 1 rect from 16384, graph 0 to 32768, graph 1 behind fc rgb "#fff0c0" fs solid 0.6 noborder
col = mode eq "gain" ? 2 : 4
if (mode eq "gain") {
	set ylabel "IOPS / IOPS at poll-max-ns 0 (medians)"
	title_base = "IOPS gain over no polling"
} else {
	set ylabel "IOThread CPU (% of one CPU, median)"
	set yrange [0:*]
	title_base = "IOThread CPU"
}
set multiplot layout 1,2 title caption font ",9"
do for [panel=1:2] {
	f = panel == 1 ? qd1 : qd32
	nb = panel == 1 ? nb1 : nb2
	set xrange [(panel == 1 ? lo1 : lo2)/1.4:(panel == 1 ? hi1 : hi2)*1.4]
	set title sprintf("%s, iodepth %s (band: 16-32 us)", title_base, (panel == 1 ? "1" : "32"))
	if (mode eq "gain") {
		plot for [i=0:nb-1] f index i using 1:col:xtic(3) with linespoints lw 2 pt 7 ps 0.8 title columnheader(1), \
			1 with lines lc rgb "#808080" dt 2 notitle
	} else {
		plot for [i=0:nb-1] f index i using 1:col:xtic(3) with linespoints lw 2 pt 7 ps 0.8 title columnheader(1)
	}
}
unset multiplot
