// SPDX-License-Identifier: GPL-2.0
/*
 * host: the host's mvgpu GPUs and vGPUs through sysfs; see host.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

static char errbuf[512];

const char *host_errmsg(void)
{
	return errbuf;
}

static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -err;
}

/* snprintf for paths; a path that does not fit is an error, not cut. */
static int pathf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Copy a string, cut to fit. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

const char *host_sysfs(void)
{
	const char *s = getenv("MVGPU_SYSFS");

	return s && *s ? s : "/sys";
}

/* A small sysfs file, without its trailing newline; -errno. */
static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int ret = read_text(path, buf, sizeof(buf));

	if (ret)
		return ret;
	return parse_u64(buf, v) ? -EINVAL : 0;
}

static int kv_add(struct host_kv *kv, const char *key, size_t klen,
		  const char *val, size_t vlen)
{
	void *e;

	if (!klen || klen >= sizeof(kv->e[0].key))
		return 0;		/* not a key we could use; skip it */
	e = realloc(kv->e, (kv->n + 1) * sizeof(kv->e[0]));
	if (!e)
		return -ENOMEM;
	kv->e = e;
	memcpy(kv->e[kv->n].key, key, klen);
	kv->e[kv->n].key[klen] = '\0';
	if (vlen >= sizeof(kv->e[0].val))
		vlen = sizeof(kv->e[0].val) - 1;
	memcpy(kv->e[kv->n].val, val, vlen);
	kv->e[kv->n].val[vlen] = '\0';
	kv->n++;
	return 0;
}

/* "key value" lines; blank lines and lines without a value are skipped. */
static int kv_parse(struct host_kv *kv, const char *text)
{
	const char *line = text;

	while (*line) {
		const char *eol = strchrnul(line, '\n');
		const char *k = line, *ke, *v, *ve = eol;
		int ret;

		while (k < eol && isspace((unsigned char)*k))
			k++;
		ke = k;
		while (ke < eol && !isspace((unsigned char)*ke))
			ke++;
		v = ke;
		while (v < eol && isspace((unsigned char)*v))
			v++;
		while (ve > v && isspace((unsigned char)ve[-1]))
			ve--;
		if (ke > k && ve > v) {
			ret = kv_add(kv, k, ke - k, v, ve - v);
			if (ret)
				return ret;
		}
		line = *eol ? eol + 1 : eol;
	}
	return 0;
}

static void kv_free(struct host_kv *kv)
{
	free(kv->e);
	kv->e = NULL;
	kv->n = 0;
}

const char *host_kv_get(const struct host_kv *kv, const char *key)
{
	unsigned int i;

	for (i = 0; i < kv->n; i++)
		if (!strcmp(kv->e[i].key, key))
			return kv->e[i].val;
	return NULL;
}

int host_kv_u64(const struct host_kv *kv, const char *key, uint64_t *v)
{
	const char *s = host_kv_get(kv, key);

	return s ? parse_u64(s, v) : -1;
}

uint64_t host_kv_u64_or(const struct host_kv *kv, const char *key,
			uint64_t def)
{
	uint64_t v;

	return host_kv_u64(kv, key, &v) ? def : v;
}

static int read_kv_file(const char *path, struct host_kv *kv)
{
	char buf[8192];
	int ret = read_text(path, buf, sizeof(buf));

	return ret ? ret : kv_parse(kv, buf);
}

/* "vram=128M max_instances=8 weight=1 engines=2" */
static void parse_description(struct host_type *t, const char *d)
{
	char copy[256], *tok, *save = NULL;

	copy_str(copy, sizeof(copy), d);
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '='), *end;
		unsigned long long v;

		if (!eq)
			continue;
		*eq++ = '\0';
		v = strtoull(eq, &end, 10);
		if (!strcmp(tok, "vram")) {
			if (*end == 'K')
				v <<= 10;
			else if (*end == 'M')
				v <<= 20;
			else if (*end == 'G')
				v <<= 30;
			t->vram = v;
		} else if (!strcmp(tok, "max_instances")) {
			t->max_instances = (unsigned int)v;
		} else if (!strcmp(tok, "weight")) {
			t->weight = (unsigned int)v;
		}
	}
}

/* mvgpu.N -> N, or -1 */
static int gpu_index(const char *name)
{
	uint64_t v;

	if (strncmp(name, "mvgpu.", 6) || parse_u64(name + 6, &v) || v > INT_MAX)
		return -1;
	return (int)v;
}

static int cmp_gpu(const void *a, const void *b)
{
	const struct host_gpu *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

static int cmp_type(const void *a, const void *b)
{
	const struct host_type *x = a, *y = b;

	if (x->vram != y->vram)
		return (x->vram > y->vram) - (x->vram < y->vram);
	return strcmp(x->id, y->id);
}

static int cmp_vgpu(const void *a, const void *b)
{
	const struct host_vgpu *x = a, *y = b;
	uint64_t ix = host_vgpu_attr(x, "vgpu_id", 0);
	uint64_t iy = host_vgpu_attr(y, "vgpu_id", 0);

	if (x->gpu != y->gpu)
		return (x->gpu > y->gpu) - (x->gpu < y->gpu);
	if (ix != iy)
		return (ix > iy) - (ix < iy);
	return strcmp(x->uuid, y->uuid);
}

/* Read one vGPU's mvgpu/ directory; -ENOENT if it has gone. */
static int read_vgpu(struct host_vgpu *v)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], buf[256];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (pathf(dir, sizeof(dir), "%s/bus/mdev/devices/%s/mvgpu",
		  host_sysfs(), v->uuid))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		pathf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!strcmp(de->d_name, "sched_stats")) {
			ret = read_kv_file(path, &v->stats);
		} else if (!read_text(path, buf, sizeof(buf)) &&
			   !strchr(buf, '\n')) {
			ret = kv_add(&v->attrs, de->d_name, strlen(de->d_name),
				     buf, strlen(buf));
		}
		if (ret == -ENOENT)
			ret = 0;	/* removed under us: keep what we have */
		if (ret)
			break;
	}
	closedir(d);
	if (!ret && host_kv_get(&v->attrs, "open"))
		v->open = !!host_vgpu_attr(v, "open", 0);
	return ret;
}

static int add_vgpu(struct host_snapshot *s, unsigned int gpu,
		    unsigned int type, const char *uuid)
{
	struct host_vgpu *v;
	int ret;

	if (!host_valid_uuid(uuid))
		return 0;
	v = realloc(s->vgpus, (s->nvgpus + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->vgpus = v;
	v = &s->vgpus[s->nvgpus];
	memset(v, 0, sizeof(*v));
	copy_str(v->uuid, sizeof(v->uuid), uuid);
	v->gpu = gpu;
	v->type = type;
	v->open = -1;
	ret = read_vgpu(v);
	if (ret) {
		kv_free(&v->attrs);
		kv_free(&v->stats);
		return ret == -ENOENT ? 0 : ret;
	}
	s->nvgpus++;
	return 0;
}

static int read_types(struct host_gpu *g, const char *gdir)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], buf[256];
	struct dirent *de;
	DIR *d;

	if (pathf(dir, sizeof(dir), "%s/mdev_supported_types", gdir))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct host_type *t;
		uint64_t v;

		if (de->d_name[0] == '.' ||
		    strlen(de->d_name) >= sizeof(t->id))
			continue;
		t = realloc(g->types, (g->ntypes + 1) * sizeof(*t));
		if (!t) {
			closedir(d);
			return -ENOMEM;
		}
		g->types = t;
		t = &g->types[g->ntypes];
		memset(t, 0, sizeof(*t));
		copy_str(t->id, sizeof(t->id), de->d_name);
		pathf(path, sizeof(path), "%s/%s/name", dir, de->d_name);
		if (!read_text(path, buf, sizeof(buf)))
			copy_str(t->name, sizeof(t->name), buf);
		pathf(path, sizeof(path), "%s/%s/description", dir,
			 de->d_name);
		if (!read_text(path, buf, sizeof(buf)))
			parse_description(t, buf);
		pathf(path, sizeof(path), "%s/%s/available_instances", dir,
			 de->d_name);
		if (!read_u64(path, &v))
			t->available = (unsigned int)v;
		g->ntypes++;
	}
	closedir(d);
	qsort(g->types, g->ntypes, sizeof(*g->types), cmp_type);
	return 0;
}

/* The vGPUs of each of the GPU's types: mdev_supported_types/T/devices/. */
static int read_gpu_vgpus(struct host_snapshot *s, unsigned int gi,
			  const char *gdir)
{
	struct host_gpu *g = &s->gpus[gi];
	char dir[PATH_MAX + 300];
	unsigned int t;
	int ret = 0;

	for (t = 0; t < g->ntypes && !ret; t++) {
		struct dirent *de;
		DIR *d;

		pathf(dir, sizeof(dir), "%s/mdev_supported_types/%s/devices",
			 gdir, g->types[t].id);
		d = opendir(dir);
		if (!d)
			continue;
		while (!ret && (de = readdir(d))) {
			unsigned int before = s->nvgpus;

			if (de->d_name[0] == '.')
				continue;
			ret = add_vgpu(s, gi, t, de->d_name);
			g->nvgpus += s->nvgpus - before;
		}
		closedir(d);
	}
	return ret;
}

static int read_gpu(struct host_snapshot *s, unsigned int gi)
{
	struct host_gpu *g = &s->gpus[gi];
	char gdir[PATH_MAX], path[PATH_MAX + 64];
	int ret;

	pathf(gdir, sizeof(gdir), "%s/class/mdev_bus/%s", host_sysfs(),
		 g->name);
	pathf(path, sizeof(path), "%s/vram_total_bytes", gdir);
	read_u64(path, &g->vram_total);
	pathf(path, sizeof(path), "%s/vram_allocated_bytes", gdir);
	read_u64(path, &g->vram_allocated);
	pathf(path, sizeof(path), "%s/vram_backed_bytes", gdir);
	read_u64(path, &g->vram_backed);
	pathf(path, sizeof(path), "%s/sched_stats", gdir);
	ret = read_kv_file(path, &g->stats);
	if (ret && ret != -ENOENT)
		return fail(-ret, "cannot read %s: %s", path, strerror(-ret));
	ret = read_types(g, gdir);
	if (ret)
		return ret == -ENOENT ? 0 : fail(-ret, "cannot read the types of %s: %s",
						  g->name, strerror(-ret));
	ret = read_gpu_vgpus(s, gi, gdir);
	if (ret)
		return fail(-ret, "cannot read the vGPUs of %s: %s", g->name,
			    strerror(-ret));
	return 0;
}

int host_snapshot_read(struct host_snapshot *s)
{
	char path[PATH_MAX];
	struct timespec ts;
	struct dirent *de;
	unsigned int i;
	DIR *d;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->t_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	pathf(path, sizeof(path), "%s/module/mvgpu", host_sysfs());
	s->loaded = access(path, F_OK) == 0;

	if (pathf(path, sizeof(path), "%s/class/mdev_bus", host_sysfs()))
		return fail(ENAMETOOLONG, "MVGPU_SYSFS is too long");
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 :
		       fail(errno, "cannot read %s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		int idx = gpu_index(de->d_name);
		struct host_gpu *g;

		if (idx < 0)
			continue;
		g = realloc(s->gpus, (s->ngpus + 1) * sizeof(*g));
		if (!g) {
			closedir(d);
			host_snapshot_free(s);
			return fail(ENOMEM, "out of memory");
		}
		s->gpus = g;
		g = &s->gpus[s->ngpus++];
		memset(g, 0, sizeof(*g));
		g->index = (unsigned int)idx;
		copy_str(g->name, sizeof(g->name), de->d_name);
	}
	closedir(d);
	qsort(s->gpus, s->ngpus, sizeof(*s->gpus), cmp_gpu);
	for (i = 0; i < s->ngpus && !ret; i++)
		ret = read_gpu(s, i);
	if (ret) {
		host_snapshot_free(s);
		return ret;
	}
	qsort(s->vgpus, s->nvgpus, sizeof(*s->vgpus), cmp_vgpu);
	return 0;
}

void host_snapshot_free(struct host_snapshot *s)
{
	unsigned int i;

	for (i = 0; i < s->ngpus; i++) {
		kv_free(&s->gpus[i].stats);
		free(s->gpus[i].types);
	}
	for (i = 0; i < s->nvgpus; i++) {
		kv_free(&s->vgpus[i].attrs);
		kv_free(&s->vgpus[i].stats);
	}
	free(s->gpus);
	free(s->vgpus);
	memset(s, 0, sizeof(*s));
}

struct host_vgpu *host_find_vgpu(struct host_snapshot *s, const char *uuid)
{
	unsigned int i;

	for (i = 0; i < s->nvgpus; i++)
		if (!strcasecmp(s->vgpus[i].uuid, uuid))
			return &s->vgpus[i];
	return NULL;
}

struct host_gpu *host_find_gpu(struct host_snapshot *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->ngpus; i++)
		if (!strcmp(s->gpus[i].name, name))
			return &s->gpus[i];
	return NULL;
}

struct host_type *host_find_type(struct host_gpu *g, const char *id)
{
	unsigned int i;

	for (i = 0; i < g->ntypes; i++)
		if (!strcmp(g->types[i].id, id))
			return &g->types[i];
	return NULL;
}

uint64_t host_vgpu_attr(const struct host_vgpu *v, const char *name,
			uint64_t def)
{
	return host_kv_u64_or(&v->attrs, name, def);
}

const char *host_gpu_mode(const struct host_gpu *g)
{
	const char *m = host_kv_get(&g->stats, "mode");

	return m ? m : "?";
}

unsigned int host_gpu_engines(const struct host_gpu *g)
{
	return (unsigned int)host_kv_u64_or(&g->stats, "engines", 1);
}

/* Write a string to a sysfs file: 0 or -errno of the write. */
static int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	err = n < 0 ? errno : 0;
	if (close(fd) && !err)
		err = errno;
	if (!err && (size_t)n != len)
		err = EIO;
	return -err;
}

int host_create(const char *gpu, const char *type_id, const char *uuid)
{
	char path[PATH_MAX];
	int ret;

	ret = pathf(path, sizeof(path),
		    "%s/class/mdev_bus/%s/mdev_supported_types/%s/create",
		    host_sysfs(), gpu, type_id);
	if (!ret)
		ret = write_text(path, uuid);
	if (ret)
		return fail(-ret, "cannot create a %s vGPU on %s: %s", type_id,
			    gpu, strerror(-ret));
	return 0;
}

int host_remove(const char *uuid)
{
	char path[PATH_MAX];
	int ret;

	ret = pathf(path, sizeof(path), "%s/bus/mdev/devices/%s/remove",
		    host_sysfs(), uuid);
	if (!ret)
		ret = write_text(path, "1");
	if (ret)
		return fail(-ret, "cannot remove vGPU %s: %s", uuid,
			    strerror(-ret));
	return 0;
}

int host_knob_write(const char *uuid, const char *knob, uint64_t value)
{
	char path[PATH_MAX], text[32];
	int ret;

	ret = pathf(path, sizeof(path), "%s/bus/mdev/devices/%s/mvgpu/%s",
		    host_sysfs(), uuid, knob);
	snprintf(text, sizeof(text), "%" PRIu64, value);
	if (!ret)
		ret = write_text(path, text);
	if (ret)
		return fail(-ret, "%s=%" PRIu64 " refused for vGPU %s: %s", knob,
			    value, uuid, strerror(-ret));
	return 0;
}

int host_vgpu_exists(const char *uuid)
{
	char path[PATH_MAX];

	pathf(path, sizeof(path), "%s/bus/mdev/devices/%s/mvgpu",
		 host_sysfs(), uuid);
	return access(path, F_OK) == 0;
}

int host_valid_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

int host_new_uuid(char out[HOST_UUID_LEN])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return fail(errno ? errno : EIO, "getrandom: %s", strerror(errno));
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, HOST_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}
