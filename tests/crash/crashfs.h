/* crashfs.h — a test-only model of a file system under power cuts, fed by
 * the calls the program makes.  The test program is linked with
 * -Wl,--wrap=open,--wrap=write,--wrap=fsync,--wrap=close,--wrap=rename,
 * --wrap=unlink,--wrap=mkdir, so libwat's calls come here first; each still
 * happens for real (the real files play the page cache), except fsync,
 * whose effect is the model's.
 *
 * Under one folder (the root, taken as durable with what it holds when
 * armed) the model keeps each file's bytes at its last fsync, and each
 * folder's names at its last fsync plus the creates, renames, unlinks and
 * mkdirs since, in order.  crashfs_crash() is what a disk would hold after
 * a power cut at that instant: every file at its synced bytes and every
 * folder at its synced names; or (torn) each folder with some first part of
 * its changes since (a journal commits in order), and each file with its
 * unsynced writes all there (written back from the page cache), none, or
 * sector by sector (512 bytes) old, new or (when written whole) garbage, at
 * its synced or its current size.
 *
 * One thread; the state is global. */
#ifndef WAT_CRASHFS_H
#define WAT_CRASHFS_H

#include <stddef.h>
#include <stdint.h>

/* Models root (absolute, no trailing slash) and everything under it. */
int crashfs_arm(const char *root, char **cause);
void crashfs_disarm(void);

/* Called before every modelled call under the root ("open", "write",
 * "fsync", "fsync-dir", "rename", "unlink", "mkdir") with the path it is
 * on; never again from inside the hook. */
void crashfs_hook(void (*before)(const char *call, const char *path, void *arg), void *arg);

/* A modelled call of this kind fails with err and does nothing: "fsync" of
 * a file, "fsync-dir" of a folder, or any call name above; on path only
 * (NULL: any), after skip such calls succeeded. */
void crashfs_fail(const char *call, const char *path, unsigned skip, int err);

struct crashfs_image;
/* What the disk would hold after a power cut now (random choices from *rng). */
struct crashfs_image *crashfs_crash(int torn, uint64_t *rng);
/* 1 and a malloc'd copy when path is a file in the image, 0 when absent. */
int crashfs_image_file(const struct crashfs_image *img, const char *path, unsigned char **data,
                       size_t *len);
void crashfs_image_free(struct crashfs_image *img);

#endif
