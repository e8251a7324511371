/* The end of every conformance program: processes, threads, barrier, outcome lines. Needs NCPU, NPROC,
 * NSTART, NOPS, NROOT, ROOT, progs[], procs[], setup_files() and setup_process() from the translator's part above. */

/* In a MAP_SHARED anonymous page made before any fork: every process (and every process forked from one)
 * reaches the same page, so the barrier and the outcomes cross processes; only main prints. */
struct shared {
	int arrived;                /* the start barrier: CPUs of main's processes arrived so far */
	struct outcome out[NOPS + 1]; /* empty text: the operation never ran (its process died) */
};
static struct shared *sh;
static int print_outcomes(void);

static void *thread_main(void *arg)
{
	struct cpu_prog *c = arg;
	int cpu = (int)(c - progs);
	pin(cpu);
	/* The processes main forks start together (NSTART CPUs); a forked process's CPUs start when its fork
	 * returned, as the model's do (CpuActor.StartFrom). */
	if (procs[c->proc].parent < 0) {
		__atomic_add_fetch(&sh->arrived, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&sh->arrived, __ATOMIC_SEQ_CST) < NSTART) ;
	}
	for (int i = 0; i < c->n; i++) run_op(cpu, i, &c->ops[i], &sh->out[c->out + i]);
	return 0;
}

/* Process p's threads, one per CPU of it; then waits for them and for every process they forked (their
 * outcomes must be in the shared page before main reads it). Returns 1 when a forked process failed. */
static int run_threads(int p)
{
	pthread_t t[NCPU];
	int n = 0, bad = 0, st;
	for (int i = 0; i < NCPU; i++)
		if (progs[i].proc == p && pthread_create(&t[n++], 0, thread_main, &progs[i]) != 0) die("pthread_create");
	for (int i = 0; i < n; i++) pthread_join(t[i], 0);
	for (;;) {
		pid_t w = wait(&st);
		if (w < 0 && errno == EINTR) continue;
		if (w < 0) break;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) bad = 1;
	}
	return bad;
}

/* A forked process (by main or by a fork operation): its threads, then exit 0, or 4 when a process it forked failed. */
static void run_process(int p)
{
	int bad = run_threads(p);
	fflush(stdout);
	_exit(bad ? 4 : 0);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, 0);
	sigaction(SIGBUS, &sa, 0);
	sh = mmap(0, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) die("mmap shared page");
	/* Files before any fork: every process maps the same tmpfs file, perf event and /dev/fb0. */
	setup_files();
	fflush(stdout);
	if (NROOT == 1) {
		/* One process to start (with or without processes it forks later): main is that process, as a
		 * program without processes always was; no fork that the scenario does not have. */
		setup_process(ROOT);
		if (run_threads(ROOT)) { printf("SETUP a forked process failed\n"); fflush(stdout); return 3; }
		return print_outcomes();
	}
	pid_t pid[NPROC];
	int started = 0, failed = 0;
	for (int p = 0; p < NPROC; p++) {
		pid[p] = 0;
		if (procs[p].parent >= 0) continue;
		pid[p] = fork();
		if (pid[p] < 0) die("fork");
		if (pid[p] == 0) {
			setup_process(p);   /* this process's mappings, as the scenario declares them */
			run_process(p);
		}
		started++;
	}
	int st;
	while (started > 0) {
		pid_t w = wait(&st);
		if (w < 0 && errno == EINTR) continue;
		if (w < 0) break;
		started--;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) continue;
		if (failed) continue;
		/* A process that failed its setup never reaches the barrier: the others would spin for ever. */
		for (int p = 0; p < NPROC; p++) if (pid[p] > 0 && pid[p] != w) kill(pid[p], SIGKILL);
		failed = 1;
		/* exit 3 has printed its SETUP line (die); 4: a process it forked failed. */
		if (WIFSIGNALED(st)) printf("SETUP process %d: killed by signal %d\n", (int)w, WTERMSIG(st));
		else if (WEXITSTATUS(st) != 3) printf("SETUP process %d: exit %d\n", (int)w, WEXITSTATUS(st));
	}
	if (failed) { fflush(stdout); return 3; }
	return print_outcomes();
}

/* Every operation's line, in vector order (cpu0's first), then END; 3 when one never ran. */
static int print_outcomes(void)
{
	for (int i = 0; i < NOPS; i++)
		if (!sh->out[i].text[0]) { printf("SETUP outcome %d: the operation never ran\n", i); fflush(stdout); return 3; }
	for (int i = 0; i < NCPU; i++)
		for (int j = 0; j < progs[i].n; j++) printf("cpu%d.%d\t%s\n", i, j, sh->out[progs[i].out + j].text);
	printf("END\n");
	return 0;
}
