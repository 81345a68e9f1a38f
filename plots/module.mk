# plots/: the gnuplot scripts and the C driver that writes their data and
# runs them (plot.h).
APP_SRCS += plots/plot.c
# The gnuplot scripts are data files (make install, util/datadir.h).
INSTALL_DATA += $(wildcard plots/*.gp)
