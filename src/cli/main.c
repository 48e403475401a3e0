/* main.c - the prgate executable: everything else is in prgate_core. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return pg_cli_main(argc, argv);
}
