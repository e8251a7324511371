/* The end of every conformance program: threads, barrier, outcome lines. Needs NCPU, progs[] and setup()
 * from the translator's part above. */
static void *thread_main(void *arg)
{
	struct cpu_prog *c = arg;
	int cpu = (int)(c - progs);
	pin(cpu);
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < NCPU) ;   /* all CPUs start together */
	for (int i = 0; i < c->n; i++) run_op(cpu, i, &c->ops[i], &c->out[i]);
	return 0;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, 0);
	sigaction(SIGBUS, &sa, 0);
	setup();
	pthread_t t[NCPU];
	for (int i = 0; i < NCPU; i++)
		if (pthread_create(&t[i], 0, thread_main, &progs[i]) != 0) die("pthread_create");
	for (int i = 0; i < NCPU; i++) pthread_join(t[i], 0);
	for (int i = 0; i < NCPU; i++)
		for (int j = 0; j < progs[i].n; j++) printf("cpu%d.%d\t%s\n", i, j, progs[i].out[j].text);
	printf("END\n");
	return 0;
}
