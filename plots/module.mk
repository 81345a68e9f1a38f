# plots/: the gnuplot scripts and the C driver that writes their data and
# runs them (plot.h).
APP_SRCS += plots/plot.c
