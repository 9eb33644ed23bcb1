/* crashfs.c — see crashfs.h.  Test-only: never linked into the product. */
#include "crashfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define CF_SECTOR 512
#define CF_FDS    4096

enum { CF_DIRTY = 1, CF_FULL = 2 };
enum { CF_ADD, CF_DEL, CF_RENAME };

struct cf_node;

struct cf_ent {
	char *name;
	struct cf_node *node;
};

struct cf_ents {
	struct cf_ent *v;
	size_t n;
};

struct cf_op {
	int kind;
	char *name, *to;
	struct cf_node *node;
};

struct cf_node {
	size_t id;
	int dir;
	/* a file: its bytes now (the page cache) and at its last fsync */
	unsigned char *cur, *dur;
	size_t cur_len, cur_cap, dur_len;
	unsigned char *sec; /* per sector: CF_DIRTY since the last fsync, CF_FULL */
	size_t nsec;
	/* a folder: its names now and at its last fsync, and the changes since */
	struct cf_ents now, synced;
	struct cf_op *log;
	size_t nlog;
};

static struct {
	char *root;
	size_t rootlen;
	struct cf_node **nodes;
	size_t nnodes;
	struct {
		struct cf_node *node;
		off_t off;
		char *path;
	} fds[CF_FDS];
	void (*hook)(const char *, const char *, void *);
	void *arg;
	int in_hook;
	char fail_call[16];
	char *fail_path;
	unsigned fail_skip;
	int fail_err;
} cf;

int __real_open(const char *path, int flags, ...);
ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_close(int fd);
int __real_rename(const char *from, const char *to);
int __real_unlink(const char *path);
int __real_mkdir(const char *path, mode_t mode);
int __wrap_open(const char *path, int flags, ...);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_fsync(int fd);
int __wrap_close(int fd);
int __wrap_rename(const char *from, const char *to);
int __wrap_unlink(const char *path);
int __wrap_mkdir(const char *path, mode_t mode);

static uint64_t
cf_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- the model ------------------------------------------------------------ */

static struct cf_node *
cf_node_new(int dir)
{
	struct cf_node *n = xcalloc(1, sizeof *n);

	n->dir = dir;
	n->id = cf.nnodes;
	cf.nodes = xrealloc(cf.nodes, (cf.nnodes + 1) * sizeof *cf.nodes);
	cf.nodes[cf.nnodes++] = n;
	return n;
}

static void
cf_ents_clear(struct cf_ents *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].name);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

static void
cf_ents_copy(struct cf_ents *to, const struct cf_ents *from)
{
	size_t i;

	cf_ents_clear(to);
	to->v = xcalloc(from->n ? from->n : 1, sizeof *to->v);
	for (i = 0; i < from->n; i++) {
		to->v[i].name = xstrdup(from->v[i].name);
		to->v[i].node = from->v[i].node;
	}
	to->n = from->n;
}

static struct cf_node *
cf_ents_get(const struct cf_ents *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->v[i].name, name) == 0)
			return e->v[i].node;
	return NULL;
}

static void
cf_ents_del(struct cf_ents *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->v[i].name, name) == 0) {
			free(e->v[i].name);
			e->v[i] = e->v[--e->n];
			return;
		}
}

static void
cf_ents_set(struct cf_ents *e, const char *name, struct cf_node *node)
{
	cf_ents_del(e, name);
	e->v = xrealloc(e->v, (e->n + 1) * sizeof *e->v);
	e->v[e->n].name = xstrdup(name);
	e->v[e->n].node = node;
	e->n++;
}

static void
cf_ents_apply(struct cf_ents *e, const struct cf_op *op)
{
	switch (op->kind) {
	case CF_ADD: cf_ents_set(e, op->name, op->node); break;
	case CF_DEL: cf_ents_del(e, op->name); break;
	case CF_RENAME:
		cf_ents_del(e, op->name);
		cf_ents_set(e, op->to, op->node);
		break;
	}
}

/* A change of a folder's names: now, and in its log until its next fsync. */
static void
cf_dir_change(struct cf_node *dir, int kind, const char *name, const char *to, struct cf_node *node)
{
	struct cf_op *op;

	dir->log = xrealloc(dir->log, (dir->nlog + 1) * sizeof *dir->log);
	op = &dir->log[dir->nlog++];
	op->kind = kind;
	op->name = xstrdup(name);
	op->to = to ? xstrdup(to) : NULL;
	op->node = node;
	cf_ents_apply(&dir->now, op);
}

static void
cf_log_clear(struct cf_node *dir)
{
	size_t i;

	for (i = 0; i < dir->nlog; i++) {
		free(dir->log[i].name);
		free(dir->log[i].to);
	}
	free(dir->log);
	dir->log = NULL;
	dir->nlog = 0;
}

/* Marks the sectors of [off, off+len) changed since the last fsync. */
static void
cf_dirty(struct cf_node *n, size_t off, size_t len, int whole)
{
	size_t s, last;

	if (len == 0)
		return;
	last = (off + len - 1) / CF_SECTOR;
	if (last >= n->nsec) {
		n->sec = xrealloc(n->sec, last + 1);
		memset(n->sec + n->nsec, 0, last + 1 - n->nsec);
		n->nsec = last + 1;
	}
	for (s = off / CF_SECTOR; s <= last; s++) {
		n->sec[s] |= CF_DIRTY;
		if (whole && off <= s * CF_SECTOR && off + len >= (s + 1) * CF_SECTOR)
			n->sec[s] |= CF_FULL;
	}
}

static void
cf_file_write(struct cf_node *n, size_t off, const void *buf, size_t len)
{
	if (len == 0)
		return;
	if (off + len > n->cur_cap) {
		n->cur_cap = (off + len) * 2;
		n->cur = xrealloc(n->cur, n->cur_cap);
	}
	if (off > n->cur_len)
		memset(n->cur + n->cur_len, 0, off - n->cur_len);
	memcpy(n->cur + off, buf, len);
	if (off + len > n->cur_len)
		n->cur_len = off + len;
	cf_dirty(n, off, len, 1);
}

static void
cf_fsync(struct cf_node *n)
{
	if (n->dir) {
		cf_ents_copy(&n->synced, &n->now);
		cf_log_clear(n);
		return;
	}
	free(n->dur);
	n->dur = xmalloc(n->cur_len ? n->cur_len : 1);
	if (n->cur_len > 0)
		memcpy(n->dur, n->cur, n->cur_len);
	n->dur_len = n->cur_len;
	if (n->nsec > 0)
		memset(n->sec, 0, n->nsec);
}

/* The node at path now, its folder and its last name (into name). */
static struct cf_node *
cf_lookup(const char *path, struct cf_node **parent, char *name, size_t len)
{
	struct cf_node *dir;
	const char *p, *slash;

	*parent = NULL;
	if (cf.root == NULL || strncmp(path, cf.root, cf.rootlen) != 0)
		return NULL;
	if (path[cf.rootlen] == '\0')
		return cf.nodes[0];
	if (path[cf.rootlen] != '/')
		return NULL;
	dir = cf.nodes[0];
	for (p = path + cf.rootlen; *p == '/'; p++)
		;
	while ((slash = strchr(p, '/')) != NULL) {
		char part[256];

		if ((size_t)(slash - p) >= sizeof part)
			return NULL;
		memcpy(part, p, (size_t)(slash - p));
		part[slash - p] = '\0';
		if ((dir = cf_ents_get(&dir->now, part)) == NULL || !dir->dir)
			return NULL;
		for (p = slash; *p == '/'; p++)
			;
	}
	if (*p == '\0' || strlen(p) >= len)
		return NULL;
	snprintf(name, len, "%s", p);
	*parent = dir;
	return cf_ents_get(&dir->now, name);
}

static int
cf_modelled(const char *path)
{
	struct cf_node *parent, *n;
	char name[256];

	n = cf_lookup(path, &parent, name, sizeof name);
	return n != NULL || parent != NULL;
}

/* Before a modelled call on path: the hook, then an injected failure. */
static int
cf_before(const char *call, const char *path)
{
	if (cf.hook != NULL && !cf.in_hook) {
		cf.in_hook = 1;
		cf.hook(call, path, cf.arg);
		cf.in_hook = 0;
	}
	if (cf.fail_call[0] != '\0' && strcmp(cf.fail_call, call) == 0 &&
	    (cf.fail_path == NULL || (path != NULL && strcmp(cf.fail_path, path) == 0)) &&
	    cf.fail_skip-- == 0) {
		cf.fail_call[0] = '\0';
		errno = cf.fail_err;
		return -1;
	}
	return 0;
}

/* ---- the wrapped calls ---------------------------------------------------- */

int
__wrap_open(const char *path, int flags, ...)
{
	struct cf_node *parent, *n;
	char name[256];
	int mode = 0, fd, model;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	model = cf_modelled(path);
	if (model && cf_before("open", path) != 0)
		return -1;
	fd = __real_open(path, flags, mode);
	if (fd < 0 || !model || fd >= CF_FDS)
		return fd;
	n = cf_lookup(path, &parent, name, sizeof name);
	if (n == NULL) {
		if (!(flags & O_CREAT) || parent == NULL)
			abort(); /* made behind the model's back */
		n = cf_node_new(0);
		cf_dir_change(parent, CF_ADD, name, NULL, n);
	} else if ((flags & O_TRUNC) && !n->dir) {
		cf_dirty(n, 0, n->cur_len, 0);
		n->cur_len = 0;
	}
	cf.fds[fd].node = n;
	cf.fds[fd].off = 0;
	free(cf.fds[fd].path);
	cf.fds[fd].path = xstrdup(path);
	return fd;
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	struct cf_node *n = fd >= 0 && fd < CF_FDS ? cf.fds[fd].node : NULL;
	ssize_t w;

	if (n != NULL && cf_before("write", cf.fds[fd].path) != 0)
		return -1;
	w = __real_write(fd, buf, len);
	if (n != NULL && w > 0) {
		cf_file_write(n, (size_t)cf.fds[fd].off, buf, (size_t)w);
		cf.fds[fd].off += w;
	}
	return w;
}

/* No real fsync: what it makes durable is the model's business. */
int
__wrap_fsync(int fd)
{
	struct cf_node *n = fd >= 0 && fd < CF_FDS ? cf.fds[fd].node : NULL;

	if (n == NULL)
		return __real_fsync(fd);
	if (cf_before(n->dir ? "fsync-dir" : "fsync", cf.fds[fd].path) != 0)
		return -1;
	cf_fsync(n);
	return 0;
}

int
__wrap_close(int fd)
{
	if (fd >= 0 && fd < CF_FDS) {
		cf.fds[fd].node = NULL;
		free(cf.fds[fd].path);
		cf.fds[fd].path = NULL;
	}
	return __real_close(fd);
}

int
__wrap_rename(const char *from, const char *to)
{
	struct cf_node *pa, *pb, *n;
	char a[256], b[256];
	int model = cf_modelled(from) && cf_modelled(to), rc;

	if (model && cf_before("rename", to) != 0)
		return -1;
	if ((rc = __real_rename(from, to)) != 0 || !model)
		return rc;
	n = cf_lookup(from, &pa, a, sizeof a);
	cf_lookup(to, &pb, b, sizeof b);
	if (n == NULL || pa != pb)
		abort(); /* a rename across folders is not modelled */
	cf_dir_change(pa, CF_RENAME, a, b, n);
	return 0;
}

int
__wrap_unlink(const char *path)
{
	struct cf_node *parent, *n;
	char name[256];
	int model = cf_modelled(path);

	if (model && cf_before("unlink", path) != 0)
		return -1;
	if (__real_unlink(path) != 0)
		return -1;
	if (model && (n = cf_lookup(path, &parent, name, sizeof name)) != NULL)
		cf_dir_change(parent, CF_DEL, name, NULL, n);
	return 0;
}

int
__wrap_mkdir(const char *path, mode_t mode)
{
	struct cf_node *parent;
	char name[256];
	int model = cf_modelled(path);

	if (model && cf_before("mkdir", path) != 0)
		return -1;
	if (__real_mkdir(path, mode) != 0)
		return -1;
	if (model && cf_lookup(path, &parent, name, sizeof name) == NULL && parent != NULL)
		cf_dir_change(parent, CF_ADD, name, NULL, cf_node_new(1));
	return 0;
}

/* ---- the API -------------------------------------------------------------- */

static int
cf_load(struct cf_node *dir, const char *path, char **cause)
{
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(path);
	int rc = 0;

	if (d == NULL)
		return util_fail(cause, "Cannot open %s: %s.", path, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *p, *data = NULL;
		struct cf_node *n;
		size_t len = 0;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", path, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			n = cf_node_new(1);
			cf_ents_set(&dir->now, de->d_name, n);
			rc = cf_load(n, p, cause);
		} else if (S_ISREG(sb.st_mode) &&
		           (rc = util_read_file(p, (size_t)1 << 28, &data, &len, cause)) == 0) {
			n = cf_node_new(0);
			cf_ents_set(&dir->now, de->d_name, n);
			cf_file_write(n, 0, data, len);
			cf_fsync(n);
			free(data);
		}
		free(p);
	}
	closedir(d);
	cf_fsync(dir);
	return rc;
}

void
crashfs_disarm(void)
{
	size_t i;

	for (i = 0; i < cf.nnodes; i++) {
		struct cf_node *n = cf.nodes[i];

		free(n->cur);
		free(n->dur);
		free(n->sec);
		cf_ents_clear(&n->now);
		cf_ents_clear(&n->synced);
		cf_log_clear(n);
		free(n);
	}
	free(cf.nodes);
	cf.nodes = NULL;
	cf.nnodes = 0;
	free(cf.root);
	cf.root = NULL;
	for (i = 0; i < CF_FDS; i++)
		free(cf.fds[i].path);
	memset(cf.fds, 0, sizeof cf.fds);
	cf.hook = NULL;
	cf.fail_call[0] = '\0';
	free(cf.fail_path);
	cf.fail_path = NULL;
}

int
crashfs_arm(const char *root, char **cause)
{
	crashfs_disarm();
	cf.root = xstrdup(root);
	cf.rootlen = strlen(root);
	return cf_load(cf_node_new(1), root, cause);
}

void
crashfs_hook(void (*before)(const char *call, const char *path, void *arg), void *arg)
{
	cf.hook = before;
	cf.arg = arg;
}

void
crashfs_fail(const char *call, const char *path, unsigned skip, int err)
{
	snprintf(cf.fail_call, sizeof cf.fail_call, "%s", call);
	free(cf.fail_path);
	cf.fail_path = path ? xstrdup(path) : NULL;
	cf.fail_skip = skip;
	cf.fail_err = err;
}

struct crashfs_image {
	struct {
		struct cf_ents ents;
		unsigned char *data;
		size_t len;
	} * n;
	size_t nn;
};

struct crashfs_image *
crashfs_crash(int torn, uint64_t *rng)
{
	struct crashfs_image *img = xcalloc(1, sizeof *img);
	size_t i, k, s;

	img->nn = cf.nnodes;
	img->n = xcalloc(img->nn ? img->nn : 1, sizeof *img->n);
	for (i = 0; i < cf.nnodes; i++) {
		struct cf_node *n = cf.nodes[i];

		if (n->dir) {
			/* the synced names, then the first k changes since */
			cf_ents_copy(&img->n[i].ents, &n->synced);
			k = torn ? (size_t)(cf_rand(rng) % (n->nlog + 1)) : 0;
			for (s = 0; s < k; s++)
				cf_ents_apply(&img->n[i].ents, &n->log[s]);
			continue;
		}
		/* torn: all written back, none, or sector by sector */
		unsigned how = torn ? (unsigned)(cf_rand(rng) % 4) : 0;
		size_t len = how == 1 || (how >= 2 && (cf_rand(rng) & 1)) ? n->cur_len : n->dur_len;

		img->n[i].len = len;
		img->n[i].data = xcalloc(len ? len : 1, 1);
		if (n->dur != NULL)
			memcpy(img->n[i].data, n->dur, len < n->dur_len ? len : n->dur_len);
		for (s = 0; torn && s < n->nsec && s * CF_SECTOR < len; s++) {
			size_t base = s * CF_SECTOR,
			       chunk = len - base < CF_SECTOR ? len - base : CF_SECTOR;
			unsigned act;

			if (!(n->sec[s] & CF_DIRTY))
				continue;
			act = how == 1 ? 1
			      : how == 0
			          ? 0
			          : (unsigned)(cf_rand(rng) % ((n->sec[s] & CF_FULL) ? 3 : 2));
			if (act == 1) { /* the new bytes reached the disk */
				memset(img->n[i].data + base, 0, chunk);
				if (base < n->cur_len)
					memcpy(img->n[i].data + base, n->cur + base,
					       n->cur_len - base < chunk ? n->cur_len - base
					                                 : chunk);
			} else if (act == 2) { /* a torn sector */
				for (k = 0; k < chunk; k++)
					img->n[i].data[base + k] = (unsigned char)cf_rand(rng);
			}
		}
	}
	return img;
}

int
crashfs_image_file(const struct crashfs_image *img, const char *path, unsigned char **data,
                   size_t *len)
{
	const char *p, *slash;
	struct cf_node *n;
	char part[256];
	size_t id = 0;

	if (strncmp(path, cf.root, cf.rootlen) != 0 || path[cf.rootlen] != '/')
		abort();
	for (p = path + cf.rootlen + 1; *p != '\0'; p = slash + (*slash == '/')) {
		if ((slash = strchr(p, '/')) == NULL)
			slash = p + strlen(p);
		if ((size_t)(slash - p) >= sizeof part)
			return 0;
		memcpy(part, p, (size_t)(slash - p));
		part[slash - p] = '\0';
		if (part[0] == '\0')
			continue;
		if (!cf.nodes[id]->dir || (n = cf_ents_get(&img->n[id].ents, part)) == NULL)
			return 0;
		id = n->id;
	}
	if (cf.nodes[id]->dir)
		return 0;
	*len = img->n[id].len;
	*data = xmalloc(*len ? *len : 1);
	memcpy(*data, img->n[id].data, *len);
	return 1;
}

void
crashfs_image_free(struct crashfs_image *img)
{
	size_t i;

	if (img == NULL)
		return;
	for (i = 0; i < img->nn; i++) {
		cf_ents_clear(&img->n[i].ents);
		free(img->n[i].data);
	}
	free(img->n);
	free(img);
}
