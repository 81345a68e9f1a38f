/*
 * lockcnt.c: a walker counter with a mutex for writers (QEMU's QemuLockCnt
 * idea). Walkers bump the counter; a writer holding the mutex that sees a
 * zero count knows no walk is in progress or starting, because going from
 * zero to one takes the mutex.
 */
#include "loop/aio-internal.h"

void aio_lockcnt_init(AioLockCnt *lc)
{
	atomic_init(&lc->count, 0);
	pthread_mutex_init(&lc->mutex, NULL);
}

void aio_lockcnt_destroy(AioLockCnt *lc)
{
	pthread_mutex_destroy(&lc->mutex);
}

void aio_lockcnt_inc(AioLockCnt *lc)
{
	unsigned v = atomic_load_explicit(&lc->count, memory_order_acquire);

	for (;;) {
		if (v == 0) {
			pthread_mutex_lock(&lc->mutex);
			atomic_fetch_add(&lc->count, 1);
			pthread_mutex_unlock(&lc->mutex);
			return;
		}
		if (atomic_compare_exchange_weak(&lc->count, &v, v + 1))
			return;
	}
}

void aio_lockcnt_dec(AioLockCnt *lc)
{
	atomic_fetch_sub(&lc->count, 1);
}

bool aio_lockcnt_dec_if_lock(AioLockCnt *lc)
{
	unsigned v = 1;

	/* Only the sole walker may take the list exclusively. */
	if (atomic_load(&lc->count) != 1)
		return false;
	pthread_mutex_lock(&lc->mutex);
	if (atomic_compare_exchange_strong(&lc->count, &v, 0))
		return true;
	pthread_mutex_unlock(&lc->mutex);
	return false;
}

void aio_lockcnt_inc_and_unlock(AioLockCnt *lc)
{
	atomic_fetch_add(&lc->count, 1);
	pthread_mutex_unlock(&lc->mutex);
}

void aio_lockcnt_lock(AioLockCnt *lc)
{
	pthread_mutex_lock(&lc->mutex);
}

void aio_lockcnt_unlock(AioLockCnt *lc)
{
	pthread_mutex_unlock(&lc->mutex);
}

unsigned aio_lockcnt_count(AioLockCnt *lc)
{
	return atomic_load(&lc->count);
}
