/*
 * file.c - opening the files a user names (dumps, --vmcoreinfo, --vmlinux):
 * read-only, never blocking, regular files only.
 *
 * open(2) of a FIFO blocks until a writer comes, and a device or a
 * directory is no dump: so the file is opened O_NONBLOCK, checked with
 * fstat(2) before any read, and only then made blocking again.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO"
	       : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device"
	       : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

vmmap_status file_open_regular(struct vmmap_ctx *ctx, const char *path,
			       const char *what, int *fd_ret,
			       uint64_t *size_ret)
{
	struct stat sb;
	int fd, fl;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return vmmap_set_error(ctx, errno == ENOMEM ? VMMAP_ERR_NOMEM
							    : VMMAP_ERR_IO,
				       "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0) {
		int e = errno;

		close(fd);
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(e));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "%s: not a regular file (%s), not %s",
				       path, kind_of(sb.st_mode), what);
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*fd_ret = fd;
	if (size_ret)
		*size_ret = (uint64_t)sb.st_size;
	return VMMAP_OK;
}
