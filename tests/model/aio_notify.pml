/*
 * aio_notify.pml: the notify_me / notified / eventfd protocol of our
 * aio_poll and aio_notify (loop/aio-posix.c, loop/async.c;
 * docs/loop-contract.md section 4), written from our implementation,
 * checked with spin.
 *
 * Promela executes statements atomically and sequentially consistently;
 * the C code gets the same order for the two pairs that matter from its
 * full fences (aio_poll: notify_me store, fence, notified load;
 * aio_notify: notified store, fence, notify_me load).
 *
 * Waiter: the context's home thread, each turn either one
 * aio_poll(ctx, true) or one GSource iteration (both exist on one
 * context). aio_poll:
 *   1. compute the timeout: 0 if a BH is pending, else "forever";
 *   2. if it may block: raise notify_me, then look at notified (a
 *      notification that came before the raise forces timeout 0);
 *   3. wait: non-blocking, or block until the eventfd is set;
 *   4. lower notify_me; aio_notify_accept: notified = 0;
 *   5. run the pending BHs (take them all);
 *   6. dispatch ready handlers: the context's own notifier handler
 *      test-and-clears the eventfd if the wait reported it readable.
 * The GSource path has no look at notified: prepare raises notify_me
 * before computing the timeout from the pending BHs.
 * Notifier (another thread: aio_bh_schedule = enqueue + aio_notify):
 *   publish the work, set notified, then write the eventfd if notify_me
 *   is non-zero. The write is never skipped because notified was set.
 *
 * Property (safety, checked when the system is stuck): once every
 * notifier has finished and nothing can move, no scheduled work is left
 * pending, i.e. the waiter never sleeps through a wake-up. The waiter's
 * blocking wait is a valid end state only for that reason.
 *
 * Bug variants (spin -DNAME):
 *   BUG_LATE_NOTIFY_ME      the waiter looks at notified before raising
 *                           notify_me (also what a missing full barrier
 *                           allows: the notify_me store becomes visible
 *                           after the notified load). Must be rejected.
 *   BUG_NO_NOTIFIED_CHECK   the waiter raises notify_me but blocks on the
 *                           timeout it computed earlier, ignoring
 *                           notified. Must be rejected.
 *   BUG_SKIP_WHEN_NOTIFIED  aio_notify skips the eventfd write when
 *                           notified is already set (QEMU's BUG2). A
 *                           stale notified (its BH already run) then
 *                           hides a new BH from a blocked GSource
 *                           iteration. Must be rejected. (With aio_poll
 *                           alone spin finds no loss: aio_poll looks at
 *                           notified after raising notify_me.)
 *   AIO_POLL_ONLY / GSOURCE_ONLY  restrict the waiter to one path.
 *   CHECK_STUCK_STATE_REACHED     fails on purpose where the property is
 *                                 checked, to show it is reached.
 * NOTIFIERS and ROUNDS size the model (default 2 notifiers x 2 BHs).
 */

#ifndef NOTIFIERS
#define NOTIFIERS 2
#endif
#ifndef ROUNDS
#define ROUNDS 2 /* notifications per notifier */
#endif

bit notify_me;  /* the waiter may block (counter in C; one waiter here) */
bit notified;   /* ctx->notified */
bit event;      /* the eventfd is readable */
byte req;       /* scheduled BHs not yet run */
byte done;      /* notifiers that finished */

/* One aio_poll(ctx, true) (loop/aio-posix.c). */
inline aio_poll_iteration()
{
	/* 1. aio_compute_timeout */
	if
	:: req != 0 -> zero_timeout = 1
	:: else -> zero_timeout = 0
	fi;

	/* 2. notify_me, only when we may block */
	if
	:: !zero_timeout ->
#if defined(BUG_LATE_NOTIFY_ME)
		if
		:: notified -> zero_timeout = 1
		:: else -> skip
		fi;
		notify_me = 1;
#elif defined(BUG_NO_NOTIFIED_CHECK)
		notify_me = 1;
#else
		notify_me = 1;
		if
		:: notified -> zero_timeout = 1
		:: else -> skip
		fi;
#endif
		use_notify_me = 1
	:: else ->
		use_notify_me = 0
	fi;

	/* 3. the fd monitor's wait */
	if
	:: zero_timeout ->
		reported = event	/* ppoll with timeout 0 */
	:: else ->
end_wait:
		(event == 1);
		reported = 1
	fi;

	/* 4. lower notify_me, aio_notify_accept */
	if
	:: use_notify_me -> notify_me = 0
	:: else -> skip
	fi;
	notified = 0;

	/* 5. aio_bh_poll: run everything scheduled so far */
	req = 0;

	/* 6. the context notifier's read handler */
	if
	:: reported -> event = 0
	:: else -> skip
	fi
}

/*
 * One g_main_context_iteration on the context's GSource (loop/gsource.c):
 * prepare raises bit 0 of notify_me and computes the timeout (no look at
 * notified); glib polls; check lowers the bit and accepts; dispatch runs
 * the BHs, then a non-blocking wait whose ready notifier handler clears
 * the eventfd.
 */
inline gsource_iteration()
{
	/* prepare */
	notify_me = 1;
	if
	:: req != 0 -> zero_timeout = 1
	:: else -> zero_timeout = 0
	fi;

	/* glib's poll */
	if
	:: zero_timeout -> skip
	:: else ->
end_gwait:
		(event == 1)
	fi;

	/* check */
	notify_me = 0;
	notified = 0;
	if
	:: req != 0 || event ->
		/* dispatch: aio_bh_poll, then wait(0) and handlers */
		req = 0;
		reported = event;
		if
		:: reported -> event = 0
		:: else -> skip
		fi
	:: else -> skip
	fi
}

/* The context's home thread: either path, in any order. */
active proctype waiter()
{
	bit zero_timeout, use_notify_me, reported;

	do
#ifndef GSOURCE_ONLY
	:: aio_poll_iteration()
#endif
#ifndef AIO_POLL_ONLY
	:: gsource_iteration()
#endif
	od
}

active [NOTIFIERS] proctype notifier()
{
	byte i = 0;

	do
	:: i < ROUNDS ->
		/* aio_bh_enqueue: publish the BH */
		req++;
		/* aio_notify */
#ifdef BUG_SKIP_WHEN_NOTIFIED
		if
		:: notified -> skip
		:: else ->
			notified = 1;
			if
			:: notify_me -> event = 1
			:: else -> skip
			fi
		fi;
#else
		notified = 1;
		if
		:: notify_me -> event = 1
		:: else -> skip
		fi;
#endif
		i++
	:: else -> break
	od;
	done++
}

/* When nothing can move any more, nothing may be left to do. */
active proctype monitor()
{
	timeout ->
		assert(done == NOTIFIERS);
		assert(req == 0);
#ifdef CHECK_STUCK_STATE_REACHED
		/* Sanity: this state is reachable, the property not vacuous. */
		assert(false)
#endif
}
