/* sock.h: writing to a connected socket. */
#ifndef AIOTUNE_UTIL_SOCK_H
#define AIOTUNE_UTIL_SOCK_H

#include <stddef.h>

/* Send all n bytes of s (EINTR retried, no SIGPIPE); 0 or -errno. */
int util_send_all(int fd, const char *s, size_t n);

#endif
