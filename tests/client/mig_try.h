/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hostile-stream tests share (mig_hostile.c, mig_ctx.c): one
 * destination vGPU that each stream is resumed on, expected to be taken or
 * refused cleanly (-EINVAL, ERROR, back with VFIO_DEVICE_RESET), and edits
 * of a stream in memory with its checksums made right again.
 */
#ifndef MVGPU_MIG_TRY_H
#define MVGPU_MIG_TRY_H

#include <stdarg.h>

#include "mig_common.h"

/* Not every test uses them all. */
static uint64_t seed __attribute__((unused)) = 1;
static struct mvgpu_handle dst __attribute__((unused));
static const char *dst_uuid __attribute__((unused));
static unsigned long refusals __attribute__((unused));

static inline uint64_t sysfs_u64(const char *uuid, const char *file)
{
	char path[256];
	unsigned long long v = ~0ull;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/%s",
		 uuid, file);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = ~0ull;
		fclose(f);
	}
	return v;
}

/*
 * Resume s on DST (chunk 0: random chunking).  With want_ok it must be
 * taken; else refused: a write or the STOP fails with EINVAL and the
 * device is in ERROR.  Either way a reset brings DST back to RUNNING.
 * Returns 1 if all that held; *why gets what failed.
 */
static inline int try(const struct stream *s, size_t chunk, int want_ok, char *why,
	       size_t whylen)
{
	const char *where = "";
	size_t off = 0;
	int fd, err, ok;

	err = mvgpu_mig_set_state(&dst, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (err) {
		snprintf(why, whylen, "RESUMING: %s", mvgpu_errmsg());
		return 0;
	}
	while (off < s->len) {
		size_t n = chunk ? chunk : 1 + xrand(&seed) % 8192;
		ssize_t w;

		if (n > s->len - off)
			n = s->len - off;
		w = write(fd, s->p + off, n);
		if (w < 0) {
			err = -errno;
			where = "write";
			break;
		}
		off += w;
	}
	close(fd);
	if (!err) {
		err = mvgpu_mig_set_state(&dst, VFIO_DEVICE_STATE_STOP, NULL);
		where = "RESUMING -> STOP";
	} else {
		/* Refused while written: leaving RESUMING must fail too. */
		int err2 = mvgpu_mig_set_state(&dst, VFIO_DEVICE_STATE_STOP, NULL);

		if (err2 != -EINVAL)
			err = err2 ?: -EPROTO;
	}
	if (want_ok)
		ok = !err && mig_state(&dst) == VFIO_DEVICE_STATE_STOP;
	else
		ok = err == -EINVAL && mig_state(&dst) == VFIO_DEVICE_STATE_ERROR;
	snprintf(why, whylen, "%s: %s (%d), state %u", where,
		 err ? strerror(-err) : "ok", err, mig_state(&dst));
	if (!want_ok && err)
		refusals++;
	if (mvgpu_reset(&dst) || mig_state(&dst) != VFIO_DEVICE_STATE_RUNNING) {
		snprintf(why, whylen, "VFIO_DEVICE_RESET did not bring it back");
		ok = 0;
	}
	return ok;
}

static inline void expect(const struct stream *s, int want_ok,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void expect(const struct stream *s, int want_ok, const char *fmt, ...)
{
	char name[160], why[160];
	va_list ap;
	int ok;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	ok = try(s, 0, want_ok, why, sizeof(why));
	if (!tap_ok(ok, "%s: %s", name, want_ok ? "accepted" : "refused"))
		tap_diag("%s", why);
}

/* Edit a copy of good with f, make its checksums right, expect a refusal. */
#define EDIT(good, name, ...) do {				\
		struct stream e = stream_dup(good);		\
		struct mvgpu_mig_header *h = (void *)e.p;	\
		(void)h;					\
		__VA_ARGS__;					\
		stream_rechain(&e);				\
		expect(&e, 0, "%s", name);			\
		free(e.p);					\
	} while (0)

static inline void *sec_of(struct stream *e, uint32_t type, uint64_t *len)
{
	return stream_payload(e, type, len);
}

/* Where a section starts, by type (its n-th occurrence). */
static inline size_t sec_off(const struct stream *s, uint32_t type, unsigned int n)
{
	struct sections x;

	stream_index(s, &x);
	for (unsigned int i = 0; i < x.n; i++)
		if (x.type[i] == type && !n--)
			return x.off[i];
	return 0;
}

static inline size_t sec_bytes(const struct stream *s, size_t off)
{
	const struct mvgpu_mig_section *sec = (const void *)(s->p + off);

	return sizeof(*sec) + sec->len + 8;
}

#endif
