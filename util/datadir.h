/*
 * datadir.h: where aiotune's data files are (the gnuplot scripts, the job
 * files, the QEMU guest's scripts, the fleet playbook), wherever the
 * binary runs from. Each is named by its path in the source tree (e.g.
 * "plots/iops.gp"); the installed tree keeps those paths under
 * PREFIX/share/aiotune (make install).
 */
#ifndef AIOTUNE_UTIL_DATADIR_H
#define AIOTUNE_UTIL_DATADIR_H

#include <stddef.h>

/*
 * The path of the data file rel (a path in the source tree) as found
 * first, in this order, beside the running binary (/proc/self/exe): the
 * source tree above build/ or build/<san>/ (EXE/.. and EXE/../..), an
 * installed tree (EXE/../share/aiotune), then the data directory
 * compiled in (util_datadir()), then the current directory. 0 with buf
 * holding the path of a readable file, or -ENOENT (buf then holds rel).
 */
int util_data_find(const char *rel, char *buf, size_t size);

/*
 * The data directory compiled in: PREFIX/share/aiotune of the build
 * (-DAIOTUNE_DATADIR, util/module.mk).
 */
const char *util_datadir(void);

/*
 * The directory of the running binary (/proc/self/exe without its last
 * component). 0 or -errno.
 */
int util_exe_dir(char *buf, size_t size);

#endif
