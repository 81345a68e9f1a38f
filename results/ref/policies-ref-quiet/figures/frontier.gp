set terminal pngcairo size 1500,760 font ',9'
set output '/tmp/polquiet/figures/frontier.png'
set multiplot layout 2,5 title 'IOPS against IOThread CPU, one point per setting (medians); up-left is better'
set grid
set offsets graph 0.05, graph 0.05, graph 0.08, graph 0.08
set xlabel 'IOThread CPU (%)'
set ylabel 'kIOPS'
set xrange [0:105]
set title 'Optane 9 us, iodepth 1'
set key top left font ',8' opaque
plot '/tmp/polquiet/figures/frontier.dat' index 0 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 0 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 1 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 2 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 3 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 4 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title '30 us, iodepth 1'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 10 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 10 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 11 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 12 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 13 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 14 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title 'P3700 78 us, iodepth 1'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 20 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 20 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 21 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 22 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 23 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 24 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title '160 us, iodepth 1'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 30 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 30 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 31 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 32 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 33 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 34 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title 'real disk, iodepth 1'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 40 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 40 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 41 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 42 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 43 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 44 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title 'Optane 9 us, iodepth 32'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 5 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 5 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 6 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 7 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 8 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 9 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title '30 us, iodepth 32'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 15 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 15 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 16 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 17 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 18 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 19 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title 'P3700 78 us, iodepth 32'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 25 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 25 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 26 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 27 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 28 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 29 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title '160 us, iodepth 32'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 35 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 35 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 36 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 37 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 38 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 39 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
set title 'real disk, iodepth 32'
unset key
plot '/tmp/polquiet/figures/frontier.dat' index 45 using 1:2 with linespoints pt 6 lc rgb '#7f7f7f' title 'qemu 0..256k', '' index 45 using 1:2:3 with labels offset 0.6,0.6 font ',7' notitle, '' index 46 using 1:2 with points pt 4 ps 1.3 lc rgb '#1f77b4' title 'qemu-ctx 32k', '' index 47 using 1:2 with points pt 8 ps 1.3 lc rgb '#2ca02c' title 'weight 32k', '' index 48 using 1:2 with points pt 12 ps 1.3 lc rgb '#9467bd' title 'cost 1ms', '' index 49 using 1:2 with points pt 7 ps 2.0 lc rgb '#d62728' title 'probe 1ms'
unset multiplot
