/* The fixed part of every conformance program (stressvm conform). The translator appends the scenario's
 * tables (NCPU, NPROC, the programs, setup_files(), setup_process()) after this text. One child process per
 * declared process (one when the scenario declares none), forked by main before any thread starts; in it one
 * thread per CPU of that process, pinned to a vCPU; the CPUs of all those processes are released together by
 * a spin barrier in a MAP_SHARED page. A process the scenario creates by `fork` is forked by that operation
 * and runs its own CPUs' threads from there. Each operation's outcome goes into the shared page; main, alone,
 * prints them once every process has ended, one line "cpuN.I<TAB>outcome" per operation in the model's
 * outcome vocabulary (conform/Translate/OutcomeText.cs), then "END": the lines never interleave. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define BASE 0x100000000UL          /* virtual page N of the scenario is BASE + N * PAGE */
#define TAG(cpu, op) (0x5356000000000000ULL | ((uint64_t)(cpu) << 16) | (uint64_t)(op))
#define KTAG(cpu, op) (0x534b000000000000ULL | ((uint64_t)(cpu) << 16) | (uint64_t)(op))  /* write(2)'s data */

enum { OP_LOAD, OP_STORE, OP_MUNMAP, OP_DONTNEED, OP_MPROT_RO, OP_MPROT_RW, OP_MSYNC, OP_FSYNC, OP_WRITE, OP_FORK };

struct op {
	int kind;
	unsigned long addr, len;    /* bytes */
	int file;                   /* index into fds[] for fsync/write, else -1 */
	long off;                   /* file offset for write */
	int valued;                 /* a load's value is compared (anonymous and file pages) */
	int child;                  /* OP_FORK: the process it creates (an index into procs[]), else 0 */
};

struct outcome { char text[96]; };

static int fds[16];

static void run_process(int p) __attribute__((noreturn));

static __thread sigjmp_buf jb;
static __thread volatile int sig_no, sig_code;
static __thread void *volatile sig_addr;

static void on_signal(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	sig_no = s;
	sig_code = si->si_code;
	sig_addr = si->si_addr;
	siglongjmp(jb, 1);
}

/* "sigsegv:maperr": the signal and its si_code as the model names them (OpOutcome); a code the model
 * has no name for is still named, so that it can never match. */
static void signal_text(struct outcome *o, int s, int c)
{
	const char *sig = s == SIGBUS ? "sigbus" : s == SIGSEGV ? "sigsegv" : "signal", *code = 0;
	if (s == SIGSEGV) switch (c) {
		case SEGV_MAPERR: code = "maperr"; break;
		case SEGV_ACCERR: code = "accerr"; break;
#ifdef SEGV_PKUERR
		case SEGV_PKUERR: code = "pkuerr"; break;
#endif
		}
	if (s == SIGBUS) switch (c) {
		case BUS_ADRALN: code = "adraln"; break;
		case BUS_ADRERR: code = "adrerr"; break;
		case BUS_OBJERR: code = "objerr"; break;
		case BUS_MCEERR_AR: code = "mceerr_ar"; break;
		case BUS_MCEERR_AO: code = "mceerr_ao"; break;
		}
	if (code) snprintf(o->text, sizeof o->text, "%s:%s", sig, code);
	else snprintf(o->text, sizeof o->text, "%s:code=%d", sig, c);
}

static const char *errno_name(int e)
{
	switch (e) {
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EIO: return "EIO";
	case ENOSPC: return "ENOSPC";
	case EPERM: return "EPERM";
	case ENODEV: return "ENODEV";
	case EAGAIN: return "EAGAIN";   /* fork(2): RLIMIT_NPROC, pid_max */
	}
	return 0;
}

static void ret(struct outcome *o, long r)
{
	int e = errno;
	if (r >= 0) snprintf(o->text, sizeof o->text, "ret=0");
	else if (errno_name(e)) snprintf(o->text, sizeof o->text, "ret=-%s", errno_name(e));
	else snprintf(o->text, sizeof o->text, "ret=-%d", e);
}

static void value(struct outcome *o, uint64_t v)
{
	/* The model names a store's value by its instruction, and calls whatever write(2) copied in "kernel". */
	if (v == 0) snprintf(o->text, sizeof o->text, "value=0");
	else if ((v >> 48) == 0x5356) snprintf(o->text, sizeof o->text, "value=cpu%u.%u", (unsigned)((v >> 16) & 0xffff), (unsigned)(v & 0xffff));
	else if ((v >> 48) == 0x534b) snprintf(o->text, sizeof o->text, "value=kernel");
	else snprintf(o->text, sizeof o->text, "value=other");
}

static char wbuf[64 * PAGE];

static void run_op(int cpu, int i, const struct op *p, struct outcome *o)
{
	sig_no = 0;
	if (sigsetjmp(jb, 1)) {
		signal_text(o, sig_no, sig_code);
		if ((unsigned long)sig_addr != p->addr) {
			size_t n = strlen(o->text);
			snprintf(o->text + n, sizeof o->text - n, " addr=%p", sig_addr);
		}
		return;
	}
	switch (p->kind) {
	case OP_LOAD: {
		uint64_t v = *(volatile uint64_t *)p->addr;
		if (p->valued) value(o, v); else snprintf(o->text, sizeof o->text, "value");
		break;
	}
	case OP_STORE:
		*(volatile uint64_t *)p->addr = TAG(cpu, i);
		snprintf(o->text, sizeof o->text, "stored");
		break;
	case OP_MUNMAP: ret(o, munmap((void *)p->addr, p->len)); break;
	case OP_DONTNEED: ret(o, madvise((void *)p->addr, p->len, MADV_DONTNEED)); break;
	case OP_MPROT_RO: ret(o, mprotect((void *)p->addr, p->len, PROT_READ)); break;
	case OP_MPROT_RW: ret(o, mprotect((void *)p->addr, p->len, PROT_READ | PROT_WRITE)); break;
	case OP_MSYNC: ret(o, msync((void *)p->addr, p->len, MS_SYNC)); break;
	case OP_FSYNC: ret(o, fsync(fds[p->file])); break;
	case OP_FORK: {
		/* fork(2) from this thread: the child is a copy of this process with this thread only; it runs the
		 * CPUs the scenario gives the forked process, never the rest of this program. The pid is no outcome. */
		pid_t pid = fork();
		if (pid == 0) run_process(p->child);
		ret(o, pid);
		break;
	}
	case OP_WRITE: {
		uint64_t *w = (uint64_t *)wbuf;
		for (unsigned long k = 0; k < p->len / 8; k++) w[k] = KTAG(cpu, i);
		long r = pwrite(fds[p->file], wbuf, p->len, p->off);
		if (r >= 0 && (unsigned long)r != p->len) { snprintf(o->text, sizeof o->text, "ret=short"); break; }
		ret(o, r);
		break;
	}
	}
}

/* A CPU: its program, where its outcomes start in shared->out, and the process whose thread it is. */
struct cpu_prog { const struct op *ops; int n; int out; int proc; };
/* A process: the process whose fork operation creates it, or -1 (forked by main before the threads start). */
struct proc { int parent; };

static void *thread_main(void *arg);

static void die(const char *what)
{
	printf("SETUP %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(3);
}

static void map_fixed(unsigned long addr, unsigned long len, int prot, int flags, int fd, long off, const char *what)
{
	void *p = mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off);
	if (p == MAP_FAILED) die(what);
	if ((unsigned long)p != addr) { errno = EEXIST; die(what); }
}

static __attribute__((unused)) int perf_open(void)
{
	/* A software event that never fires: the ring buffer's data pages stay zero, only its mmap matters. */
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.disabled = 1;
	int fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0) die("perf_event_open");
	return fd;
}

static __attribute__((unused)) int tmpfs_file(const char *name, unsigned long pages)
{
	/* /tmp is a tmpfs in the guest; CONFORM_DIR moves the files elsewhere (tests on the host). */
	const char *dir = getenv("CONFORM_DIR");
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) die(path);
	if (ftruncate(fd, pages * PAGE) != 0) die("ftruncate");
	return fd;
}

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

static __attribute__((unused)) int dax_file(const char *name, unsigned long pages)
{
	/* A file on the guest's ext4 -o dax mount of a memmap= pmem device; new, so every page is a hole. */
	const char *dir = getenv("CONFORM_DAX_DIR");
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/mnt/dax", name);
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) die(path);
	if (ftruncate(fd, pages * PAGE) != 0) die("ftruncate");
	struct statx st;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &st) != 0) die("statx");
	if (!(st.stx_attributes & STATX_ATTR_DAX)) { errno = EOPNOTSUPP; die("not a DAX file"); }
	return fd;
}

static void pin(int cpu)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu % (n > 0 ? n : 1), &s);
	pthread_setaffinity_np(pthread_self(), sizeof s, &s);
}
