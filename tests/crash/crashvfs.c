/* crashvfs.c — see crashvfs.h.  Test-only: never linked into the product. */
#include "crashvfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util.h"

#define CV_SECTOR 512 /* what a torn write tears at: an SD card's or disk's sector */

enum { CV_DIRTY = 1, CV_BEYOND = 2, CV_FULL = 4 };

struct cv_sector {
	unsigned char *old; /* its bytes at the last sync (NULL with CV_BEYOND) */
	unsigned char flags;
};

/* A file's contents, whatever its name (a deleted one lives on as a ghost
 * until the deletion is durable). */
struct cv_inode {
	char *real;       /* where its current bytes are */
	int ghost;        /* real is a ghost's name */
	int64_t dur_size; /* its size at its last sync */
	struct cv_sector *sec;
	size_t nsec;
	size_t *dirty; /* sectors changed since the last sync */
	size_t ndirty, capdirty;
	int refs; /* names (current or durable) and open handles */
};

/* A name in the folder: what it is now, and what the disk's folder says. */
struct cv_name {
	char *path;
	struct cv_inode *cur, *dur; /* NULL: absent */
	struct cv_name *next;
};

struct cv_file {
	sqlite3_file base;
	sqlite3_file *real;
	struct cv_inode *ino; /* NULL: not simulated */
	unsigned gen;         /* crashvfs_arm's generation it belongs to */
	int dirsync;          /* the unix VFS fsyncs the folder at this handle's first sync */
};

static struct {
	sqlite3_vfs vfs;
	sqlite3_vfs *unix;
	int installed;
	char *dir;
	size_t dirlen;
	unsigned gen;
	struct cv_name *names;
	void (*hook)(enum crashvfs_event, void *);
	void *arg;
	int in_hook, dead, lie;
	unsigned ghosts;
} cv;

uint64_t
crashvfs_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- the model ------------------------------------------------------------ */

static struct cv_inode *
cv_inode_new(const char *real, int64_t dur_size)
{
	struct cv_inode *ino = xcalloc(1, sizeof *ino);

	ino->real = xstrdup(real);
	ino->dur_size = dur_size;
	return ino;
}

static void
cv_inode_synced(struct cv_inode *ino, int64_t size)
{
	size_t i;

	for (i = 0; i < ino->ndirty; i++) {
		struct cv_sector *s = &ino->sec[ino->dirty[i]];

		free(s->old);
		s->old = NULL;
		s->flags = 0;
	}
	ino->ndirty = 0;
	ino->dur_size = size;
}

static void
cv_ref(struct cv_inode *ino)
{
	if (ino != NULL)
		ino->refs++;
}

static void
cv_unref(struct cv_inode *ino)
{
	if (ino == NULL || --ino->refs > 0)
		return;
	if (ino->ghost)
		unlink(ino->real);
	cv_inode_synced(ino, 0);
	free(ino->sec);
	free(ino->dirty);
	free(ino->real);
	free(ino);
}

static void
cv_set(struct cv_inode **slot, struct cv_inode *ino)
{
	cv_ref(ino);
	cv_unref(*slot);
	*slot = ino;
}

static struct cv_name *
cv_name_get(const char *path)
{
	struct cv_name *n;

	for (n = cv.names; n != NULL; n = n->next)
		if (strcmp(n->path, path) == 0)
			return n;
	n = xcalloc(1, sizeof *n);
	n->path = xstrdup(path);
	n->next = cv.names;
	cv.names = n;
	return n;
}

/* An fsync of the folder: its names as they are now become durable. */
static void
cv_dirsync(void)
{
	struct cv_name *n;

	if (cv.lie)
		return;
	for (n = cv.names; n != NULL; n = n->next)
		if (n->cur != n->dur)
			cv_set(&n->dur, n->cur);
}

static int
cv_tracked(const char *path)
{
	return path != NULL && cv.dir != NULL && strncmp(path, cv.dir, cv.dirlen) == 0 &&
	       path[cv.dirlen] == '/' && strchr(path + cv.dirlen + 1, '/') == NULL;
}

/* Keeps the synced bytes of every sector in [off, off+len) before they change. */
static void
cv_save(struct cv_inode *ino, sqlite3_file *real, int64_t off, int64_t len, int is_write)
{
	size_t first, last, s;

	if (len <= 0)
		return;
	first = (size_t)(off / CV_SECTOR);
	last = (size_t)((off + len - 1) / CV_SECTOR);
	if (last >= ino->nsec) {
		size_t n = ino->nsec ? ino->nsec : 64;

		while (n <= last)
			n *= 2;
		ino->sec = xrealloc(ino->sec, n * sizeof *ino->sec);
		memset(ino->sec + ino->nsec, 0, (n - ino->nsec) * sizeof *ino->sec);
		ino->nsec = n;
	}
	for (s = first; s <= last; s++) {
		struct cv_sector *sec = &ino->sec[s];
		int64_t base = (int64_t)s * CV_SECTOR;

		if (!(sec->flags & CV_DIRTY)) {
			sec->flags = CV_DIRTY;
			if (base >= ino->dur_size)
				sec->flags |= CV_BEYOND;
			else {
				sec->old = xcalloc(1, CV_SECTOR);
				/* a short read leaves zeros, as the file had there */
				real->pMethods->xRead(real, sec->old, CV_SECTOR, base);
			}
			if (ino->ndirty == ino->capdirty) {
				ino->capdirty = ino->capdirty ? ino->capdirty * 2 : 64;
				ino->dirty =
				    xrealloc(ino->dirty, ino->capdirty * sizeof *ino->dirty);
			}
			ino->dirty[ino->ndirty++] = s;
		}
		if (is_write && off <= base && off + len >= base + CV_SECTOR)
			sec->flags |= CV_FULL;
	}
}

/* Before an event: the hook may take an image, or cut the power. */
static int
cv_event(enum crashvfs_event e)
{
	if (cv.dead)
		return -1;
	if (cv.hook != NULL && !cv.in_hook) {
		cv.in_hook = 1;
		cv.hook(e, cv.arg);
		cv.in_hook = 0;
	}
	return cv.dead ? -1 : 0;
}

static struct cv_inode *
cv_ino(sqlite3_file *file)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->ino != NULL && f->gen == cv.gen ? f->ino : NULL;
}

/* ---- io methods ----------------------------------------------------------- */

static int
cv_close(sqlite3_file *file)
{
	struct cv_file *f = (struct cv_file *)file;
	struct cv_inode *ino = cv_ino(file);
	int rc = f->real->pMethods->xClose(f->real);

	if (ino != NULL)
		cv_unref(ino);
	f->ino = NULL;
	return rc;
}

static int
cv_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xRead(f->real, buf, amt, off);
}

static int
cv_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	struct cv_file *f = (struct cv_file *)file;
	struct cv_inode *ino = cv_ino(file);

	if (ino != NULL) {
		if (cv_event(CRASHVFS_WRITE) != 0)
			return SQLITE_IOERR_WRITE;
		cv_save(ino, f->real, off, amt, 1);
	}
	return f->real->pMethods->xWrite(f->real, buf, amt, off);
}

static int
cv_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct cv_file *f = (struct cv_file *)file;
	struct cv_inode *ino = cv_ino(file);
	sqlite3_int64 now = 0;

	if (ino != NULL) {
		if (cv_event(CRASHVFS_TRUNCATE) != 0)
			return SQLITE_IOERR_TRUNCATE;
		if (f->real->pMethods->xFileSize(f->real, &now) != SQLITE_OK)
			return SQLITE_IOERR_TRUNCATE;
		if (size < now)
			cv_save(ino, f->real, size, now - size, 0);
		else
			cv_save(ino, f->real, now, size - now, 0);
	}
	return f->real->pMethods->xTruncate(f->real, size);
}

/* No real fsync: the host keeps its page cache; what a sync makes durable is
 * the model's business. */
static int
cv_sync(sqlite3_file *file, int flags)
{
	struct cv_file *f = (struct cv_file *)file;
	struct cv_inode *ino = cv_ino(file);
	sqlite3_int64 size;

	if (ino == NULL)
		return f->real->pMethods->xSync(f->real, flags);
	if (cv_event(CRASHVFS_SYNC) != 0)
		return SQLITE_IOERR_FSYNC;
	if (f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK)
		return SQLITE_IOERR_FSYNC;
	if (!cv.lie)
		cv_inode_synced(ino, size);
	if (f->dirsync)
		cv_dirsync();
	f->dirsync = 0;
	return SQLITE_OK;
}

static int
cv_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xFileSize(f->real, size);
}

static int
cv_lock(sqlite3_file *file, int lock)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xLock(f->real, lock);
}

static int
cv_unlock(sqlite3_file *file, int lock)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xUnlock(f->real, lock);
}

static int
cv_check_reserved(sqlite3_file *file, int *out)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
cv_file_control(sqlite3_file *file, int op, void *arg)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
cv_sector_size(sqlite3_file *file)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
cv_device(sqlite3_file *file)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* The -shm goes straight to the real file: it is never durable, and an
 * image holds garbage in its place. */
static int
cv_shm_map(sqlite3_file *file, int pg, int pgsz, int extend, void volatile **pp)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, pp);
}

static int
cv_shm_lock(sqlite3_file *file, int off, int n, int flags)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xShmLock(f->real, off, n, flags);
}

static void
cv_shm_barrier(sqlite3_file *file)
{
	struct cv_file *f = (struct cv_file *)file;

	f->real->pMethods->xShmBarrier(f->real);
}

static int
cv_shm_unmap(sqlite3_file *file, int del)
{
	struct cv_file *f = (struct cv_file *)file;

	return f->real->pMethods->xShmUnmap(f->real, del);
}

/* Version 2: no xFetch, so sqlite never maps the file and every read and
 * write passes here. */
static const sqlite3_io_methods cv_io = {2,
                                         cv_close,
                                         cv_read,
                                         cv_write,
                                         cv_truncate,
                                         cv_sync,
                                         cv_file_size,
                                         cv_lock,
                                         cv_unlock,
                                         cv_check_reserved,
                                         cv_file_control,
                                         cv_sector_size,
                                         cv_device,
                                         cv_shm_map,
                                         cv_shm_lock,
                                         cv_shm_barrier,
                                         cv_shm_unmap,
                                         NULL,
                                         NULL};

/* ---- vfs methods ---------------------------------------------------------- */

static int
cv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	struct cv_file *f = (struct cv_file *)file;
	int tracked = cv_tracked(name), existed = 0, rc;
	struct cv_name *n = NULL;

	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	if (tracked) {
		existed = access(name, F_OK) == 0;
		if (!existed && (flags & SQLITE_OPEN_CREATE) && cv_event(CRASHVFS_CREATE) != 0)
			return SQLITE_CANTOPEN;
	}
	rc = cv.unix->xOpen(cv.unix, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK)
		return rc;
	f->base.pMethods = &cv_io;
	if (!tracked)
		return SQLITE_OK;
	n = cv_name_get(name);
	if (!existed) {
		if (n->cur != NULL)
			abort(); /* removed behind the model's back */
		cv_set(&n->cur, cv_inode_new(name, 0));
	} else if (n->cur == NULL) { /* on disk before the model knew it */
		struct stat sb;

		if (stat(name, &sb) != 0)
			abort();
		cv_set(&n->cur, cv_inode_new(name, sb.st_size));
		cv_set(&n->dur, n->cur);
	}
	f->ino = n->cur;
	f->gen = cv.gen;
	cv_ref(f->ino);
	/* as unixOpen: UNIXFILE_DIRSYNC for a journal or WAL opened with CREATE */
	f->dirsync =
	    (flags & SQLITE_OPEN_CREATE) &&
	    (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL));
	return SQLITE_OK;
}

static int
cv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	struct cv_name *n;
	char *ghost;

	if (!cv_tracked(name))
		return cv.unix->xDelete(cv.unix, name, sync_dir);
	if (cv_event(CRASHVFS_DELETE) != 0)
		return SQLITE_IOERR_DELETE;
	if (access(name, F_OK) != 0)
		return SQLITE_IOERR_DELETE_NOENT;
	n = cv_name_get(name);
	if (n->cur == NULL) { /* on disk before the model knew it */
		struct stat sb;

		if (stat(name, &sb) != 0)
			abort();
		cv_set(&n->cur, cv_inode_new(name, sb.st_size));
		cv_set(&n->dur, n->cur);
	}
	/* the bytes live on under another name until the deletion is durable */
	ghost = xasprintf("%s/.crashvfs-ghost-%u", cv.dir, cv.ghosts++);
	if (rename(name, ghost) != 0) {
		free(ghost);
		return SQLITE_IOERR_DELETE;
	}
	free(n->cur->real);
	n->cur->real = ghost;
	n->cur->ghost = 1;
	cv_set(&n->cur, NULL);
	if (sync_dir & 1)
		cv_dirsync();
	return SQLITE_OK;
}

static int
cv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return cv.unix->xAccess(cv.unix, name, flags, out);
}

static int
cv_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return cv.unix->xFullPathname(cv.unix, name, n, out);
}

static void *
cv_dl_open(sqlite3_vfs *vfs, const char *name)
{
	return cv.unix->xDlOpen(cv.unix, name);
}

static void
cv_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
	cv.unix->xDlError(cv.unix, n, msg);
}

static void (*cv_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	return cv.unix->xDlSym(cv.unix, h, sym);
}

static void
cv_dl_close(sqlite3_vfs *vfs, void *h)
{
	cv.unix->xDlClose(cv.unix, h);
}

static int
cv_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return cv.unix->xRandomness(cv.unix, n, out);
}

static int
cv_sleep(sqlite3_vfs *vfs, int us)
{
	return cv.unix->xSleep(cv.unix, us);
}

static int
cv_current_time(sqlite3_vfs *vfs, double *t)
{
	return cv.unix->xCurrentTime(cv.unix, t);
}

static int
cv_last_error(sqlite3_vfs *vfs, int n, char *msg)
{
	return cv.unix->xGetLastError(cv.unix, n, msg);
}

static int
cv_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	return cv.unix->xCurrentTimeInt64(cv.unix, t);
}

/* ---- the API -------------------------------------------------------------- */

int
crashvfs_install(char **cause)
{
	if (cv.installed)
		return 0;
	if ((cv.unix = sqlite3_vfs_find("unix")) == NULL)
		return util_fail(cause, "sqlite has no unix VFS.");
	memset(&cv.vfs, 0, sizeof cv.vfs);
	cv.vfs.iVersion = 2;
	/* the real file follows ours, aligned for any type */
	cv.vfs.szOsFile = (int)((sizeof(struct cv_file) + 15) / 16 * 16) + cv.unix->szOsFile;
	cv.vfs.mxPathname = cv.unix->mxPathname;
	cv.vfs.zName = "crashvfs";
	cv.vfs.xOpen = cv_open;
	cv.vfs.xDelete = cv_delete;
	cv.vfs.xAccess = cv_access;
	cv.vfs.xFullPathname = cv_full_pathname;
	cv.vfs.xDlOpen = cv_dl_open;
	cv.vfs.xDlError = cv_dl_error;
	cv.vfs.xDlSym = cv_dl_sym;
	cv.vfs.xDlClose = cv_dl_close;
	cv.vfs.xRandomness = cv_randomness;
	cv.vfs.xSleep = cv_sleep;
	cv.vfs.xCurrentTime = cv_current_time;
	cv.vfs.xGetLastError = cv_last_error;
	cv.vfs.xCurrentTimeInt64 = cv_current_time64;
	if (sqlite3_vfs_register(&cv.vfs, 1) != SQLITE_OK)
		return util_fail(cause, "Cannot register the crash VFS.");
	cv.installed = 1;
	return 0;
}

void
crashvfs_default(int crash)
{
	sqlite3_vfs_register(crash ? &cv.vfs : cv.unix, 1);
}

void
crashvfs_disarm(void)
{
	struct cv_name *n;

	while ((n = cv.names) != NULL) {
		cv.names = n->next;
		cv_set(&n->cur, NULL);
		cv_set(&n->dur, NULL);
		free(n->path);
		free(n);
	}
	free(cv.dir);
	cv.dir = NULL;
	cv.gen++;
	cv.dead = cv.lie = 0;
	cv.hook = NULL;
}

int
crashvfs_arm(const char *dir, char **cause)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;

	crashvfs_disarm();
	if ((d = opendir(dir)) == NULL)
		return util_fail(cause, "Cannot open %s: %s.", dir, strerror(errno));
	cv.dir = xstrdup(dir);
	cv.dirlen = strlen(dir);
	while ((de = readdir(d)) != NULL) {
		char *path = xasprintf("%s/%s", dir, de->d_name);
		struct cv_name *n;

		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    strncmp(de->d_name, ".crashvfs-ghost-", 16) != 0) {
			n = cv_name_get(path);
			cv_set(&n->cur, cv_inode_new(path, sb.st_size));
			cv_set(&n->dur, n->cur);
		}
		free(path);
	}
	closedir(d);
	return 0;
}

void
crashvfs_hook(void (*before)(enum crashvfs_event, void *), void *arg)
{
	cv.hook = before;
	cv.arg = arg;
}

void
crashvfs_kill(void)
{
	cv.dead = 1;
}

void
crashvfs_lie(int lie)
{
	cv.lie = lie;
}

static int
cv_write_all(int fd, const void *buf, size_t len, off_t off)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (len > 0) {
		if ((w = pwrite(fd, p, len, off)) <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
		off += w;
	}
	return 0;
}

static void
cv_garbage(unsigned char *buf, size_t len, uint64_t *rng)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)crashvfs_rand(rng);
}

/* One file of the image: its synced bytes, and when torn some of the rest. */
static int
cv_image_file(struct cv_inode *ino, const char *dst, int torn, uint64_t *rng,
              struct crashvfs_image_stats *st, char **cause)
{
	static const unsigned char zero[CV_SECTOR];
	unsigned char buf[65536], junk[CV_SECTOR];
	int src = -1, out = -1, rc = -1;
	int64_t cur_size, size, done = 0, base, chunk;
	struct stat sb;
	unsigned how;
	size_t i;
	ssize_t r;

	if ((src = open(ino->real, O_RDONLY | O_CLOEXEC)) == -1 || fstat(src, &sb) != 0) {
		util_fail(cause, "Cannot read %s: %s.", ino->real, strerror(errno));
		goto end;
	}
	cur_size = sb.st_size;
	/* torn: the file's unsynced writes all made it (the page cache was
	 * written back), none did, or sector by sector */
	how = torn ? (unsigned)(crashvfs_rand(rng) % 4) : 0;
	size = how == 1 || (how >= 2 && (crashvfs_rand(rng) & 1)) ? cur_size : ino->dur_size;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		util_fail(cause, "Cannot write %s: %s.", dst, strerror(errno));
		goto end;
	}
	while (done < (size < cur_size ? size : cur_size)) {
		chunk = (size < cur_size ? size : cur_size) - done;
		if (chunk > (int64_t)sizeof buf)
			chunk = sizeof buf;
		if ((r = pread(src, buf, (size_t)chunk, done)) <= 0 ||
		    cv_write_all(out, buf, (size_t)r, done) != 0) {
			util_fail(cause, "Cannot copy %s: %s.", ino->real, strerror(errno));
			goto end;
		}
		done += r;
	}
	if (ftruncate(out, size) != 0) {
		util_fail(cause, "Cannot size %s: %s.", dst, strerror(errno));
		goto end;
	}
	for (i = 0; i < ino->ndirty; i++) {
		struct cv_sector *s = &ino->sec[ino->dirty[i]];
		unsigned act = 0; /* 0 dropped, 1 kept, 2 garbage */

		base = (int64_t)ino->dirty[i] * CV_SECTOR;
		if (base >= size)
			continue;
		chunk = size - base < CV_SECTOR ? size - base : CV_SECTOR;
		/* what a truncation cut off comes back whole with the old size */
		if (how == 1 && base < cur_size)
			act = 1;
		else if (how >= 2 && base < cur_size)
			act = (unsigned)(crashvfs_rand(rng) % ((s->flags & CV_FULL) ? 3 : 2));
		if (act == 1) {
			st->kept++;
			continue;
		}
		if (act == 2) {
			cv_garbage(junk, sizeof junk, rng);
			st->garbage++;
		} else
			st->dropped++;
		if (cv_write_all(out,
		                 act == 2                 ? junk
		                 : (s->flags & CV_BEYOND) ? zero
		                                          : s->old,
		                 (size_t)chunk, base) != 0) {
			util_fail(cause, "Cannot write %s: %s.", dst, strerror(errno));
			goto end;
		}
	}
	st->files++;
	rc = 0;
end:
	if (out != -1)
		close(out);
	if (src != -1)
		close(src);
	return rc;
}

int
crashvfs_image(const char *dest, int torn, uint64_t *rng, struct crashvfs_image_stats *st,
               char **cause)
{
	unsigned char junk[4096];
	struct cv_name *n;
	struct stat sb;

	for (n = cv.names; n != NULL; n = n->next) {
		const char *base = n->path + cv.dirlen + 1;
		struct cv_inode *ino = n->dur;
		char *dst, *shm;
		int rc;

		if (n->cur != n->dur) {
			/* a create, delete or replacement not yet durable */
			if (torn && (crashvfs_rand(rng) & 1))
				ino = n->cur;
			else
				st->names_undone++;
		}
		if (ino != NULL) {
			dst = xasprintf("%s/%s", dest, base);
			rc = cv_image_file(ino, dst, torn, rng, st, cause);
			free(dst);
			if (rc != 0)
				return -1;
		}
		/* the -shm: garbage of its size when sqlite made one */
		shm = xasprintf("%s-shm", n->path);
		if (n->cur != NULL && stat(shm, &sb) == 0) {
			char *dshm = xasprintf("%s/%s-shm", dest, base);
			int fd = open(dshm, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			off_t off;

			for (off = 0; fd != -1 && off < sb.st_size; off += (off_t)sizeof junk) {
				cv_garbage(junk, sizeof junk, rng);
				if (cv_write_all(fd, junk, sizeof junk, off) != 0)
					break;
			}
			if (fd != -1)
				close(fd);
			free(dshm);
			st->shm++;
		}
		free(shm);
	}
	return 0;
}
