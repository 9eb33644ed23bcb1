/* crashvfs.h — a test-only sqlite VFS that simulates power cuts, after
 * SQLite's own crash tests (test6.c): a shim over the default unix VFS.
 *
 * The files sqlite opens in one folder (the ledger, its -wal, a -journal)
 * are written through to the real files, which play the page cache; the
 * shim remembers what each 512-byte sector held at that file's last xSync,
 * and which names the folder held at its last fsync (the unix VFS fsyncs
 * the folder at the first xSync of a -wal or -journal it created, and at an
 * xDelete with syncDir; sqlite never fsyncs it for the database itself).
 * xSync makes nothing slower: there is no real fsync, the host never loses
 * power.  crashvfs_image() writes what a disk would hold after a power cut
 * at this instant into another folder: every unsynced write dropped; or
 * (torn) for each file its unsynced writes all there (written back from the
 * page cache), all gone, or sector by sector kept, dropped or (when a write
 * covered the sector whole) garbage, the file at its synced or its current
 * size; and each name created or deleted since the folder's last fsync
 * there or not.
 * A -shm file is never durable: an image holds it as garbage.
 *
 * One ledger at a time, one thread: the state is global. */
#ifndef WAT_CRASHVFS_H
#define WAT_CRASHVFS_H

#include <stddef.h>
#include <stdint.h>

enum crashvfs_event {
	CRASHVFS_WRITE,
	CRASHVFS_SYNC,
	CRASHVFS_TRUNCATE,
	CRASHVFS_DELETE,
	CRASHVFS_CREATE,
	CRASHVFS_NEVENTS
};

struct crashvfs_image_stats {
	size_t files;                  /* files in the image */
	size_t dropped, kept, garbage; /* unsynced sectors */
	size_t names_undone;           /* unsynced creates/deletes undone */
	size_t shm;                    /* -shm files (garbage) */
};

/* Registers the shim as sqlite's default VFS (once). */
int crashvfs_install(char **cause);
/* 1: the shim is sqlite's default VFS; 0: the real unix VFS is (to reopen an
 * image exactly as the station would after the power comes back). */
void crashvfs_default(int crash);

/* Simulates the files sqlite opens in dir (absolute, no trailing slash):
 * what is in it now is taken as on disk.  Forgets any earlier state. */
int crashvfs_arm(const char *dir, char **cause);
void crashvfs_disarm(void);

/* Called before every write, sync, truncate, delete and create in dir: the
 * place to take an image (never called again from inside the hook). */
void crashvfs_hook(void (*before)(enum crashvfs_event, void *), void *arg);

/* Writes into dest (an empty folder) what a disk would hold after a power
 * cut now; torn: see above, random choices from *rng. */
int crashvfs_image(const char *dest, int torn, uint64_t *rng, struct crashvfs_image_stats *st,
                   char **cause);

/* The power is off: every later write, sync, truncate, delete and create in
 * dir fails with an I/O error (what is already on the files stays). */
void crashvfs_kill(void);
/* A disk that lies: syncs make nothing durable (to show the checks catch it). */
void crashvfs_lie(int lie);

/* A pseudo-random number (splitmix64) from *state. */
uint64_t crashvfs_rand(uint64_t *state);

#endif
