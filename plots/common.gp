# common.gp: loaded by every figure script after its argument check.
# The caller sets data, out and caption (its ARG1-3: a loaded file does
# not see them). Sets the terminal from out's extension (.png: pngcairo
# when this gnuplot has it, else png; .svg: svg), the caption line at the
# bottom, and the shared style. Not a figure by itself.
out_ext = strlen(out) > 4 ? out[strlen(out)-3:] : ""
if (out_ext eq ".png") {
	if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
		set terminal pngcairo size 960,680 noenhanced font "sans,10"
	} else {
		set terminal png size 960,680 noenhanced
	}
} else {
	if (out_ext eq ".svg") {
		set terminal svg size 960,680 noenhanced dynamic font "sans,11" background "white"
	} else {
		print sprintf("OUT must end in .png or .svg, not '%s'", out)
		exit status 2
	}
}
set output out
set label 99 caption at screen 0.5, screen 0.975 center font ",9" textcolor rgb "#404040"
set tmargin 5
set grid lc rgb "#d0d0d0"
set key outside below left horizontal Left reverse samplen 3 maxcols 2 font ",8"
set border lw 1
set style line 1 lw 2 pt 7 ps 0.8
set datafile missing "NaN"
# x axis of poll-max-ns figures: log 2; tick labels come from the data
# (column 3), where 0 sits one octave left of the smallest non-zero value.
poll_xlabel = "poll-max-ns (ns, log2 scale; 0 is drawn one step left of the smallest non-zero value)"
