# tests/dist/: make dist's tarball and its GIT-REV; make install into a
# DESTDIR and make uninstall (files, the installed binary finding its data
# away from the tree, libaioloop through pkg-config), the man page, the
# bash completion. The Debian package has
# its own target (make check-deb, tests/dist/deb-check.sh): too heavy here.
SH_TESTS += tests/dist/install.sh tests/dist/man.sh tests/dist/completion.sh \
	tests/dist/dist.sh
