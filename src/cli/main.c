/* main.c - the prgate executable: everything else is in prgate_core. */
#include "cli/cli.h"

#include <malloc.h>

int main(int argc, char **argv)
{
	/* One malloc heap for all threads: glibc otherwise gives each worker
	 * its own, each growing to the largest file that worker parsed, so the
	 * peak would be the sum of those instead of what is in use at once
	 * (measured on the benchmark's large range: 132 MB, 83 MB with one). */
	mallopt(M_ARENA_MAX, 1);
	return pg_cli_main(argc, argv);
}
