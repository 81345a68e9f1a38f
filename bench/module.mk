# bench/: microbenchmarks (make bench): the fd monitors' wake-up and the
# loop's basic costs.
BENCHES += bench/fdmon-wake.c bench/loop-costs.c
# bench/loop-peers: the loop's four basic costs (bench/loop-costs.c) beside
# glib, libuv, libevent and libev (make bench-loop-peers). One program per
# loop, the driver bench/loop-peers.c plus one adapter bench/peer-<name>.c:
# libev exports libevent's compatibility API under libevent's own names, so
# the two cannot share a process. A loop whose library scripts/configure.sh
# did not find is not built; bench/loop-peers.sh reports it as skipped.
LOOP_PEERS := aiotune glib libuv libevent libev
LOOP_PEER_HAVE_aiotune := 1
LOOP_PEER_HAVE_glib := $(HAVE_GLIB)
LOOP_PEER_HAVE_libuv := $(HAVE_LIBUV)
LOOP_PEER_HAVE_libevent := $(HAVE_LIBEVENT)
LOOP_PEER_HAVE_libev := $(HAVE_LIBEV)
LOOP_PEER_LIBS_libuv := $(HAVE_LIBUV_LIBS)
LOOP_PEER_LIBS_libevent := $(HAVE_LIBEVENT_LIBS)
LOOP_PEER_LIBS_libev := $(HAVE_LIBEV_LIBS)
LOOP_PEER_BINS := $(foreach p,$(LOOP_PEERS),$(if $(LOOP_PEER_HAVE_$(p)),\
	$(BUILD)/bench/loop-peers-$(p)))
$(BUILD)/bench/peer-libuv.o: override CFLAGS += $(HAVE_LIBUV_CFLAGS)
$(BUILD)/bench/peer-libevent.o: override CFLAGS += $(HAVE_LIBEVENT_CFLAGS)
$(BUILD)/bench/peer-libev.o: override CFLAGS += $(HAVE_LIBEV_CFLAGS)
$(BUILD)/bench/loop-peers-%: $(BUILD)/bench/loop-peers.o \
		$(BUILD)/bench/peer-%.o $(BUILD)/libaioloop.a
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) $(LOOP_PEER_LIBS_$*)
