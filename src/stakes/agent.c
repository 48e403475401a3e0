/* agent.c - run the --agent-cmd command: an argv (never a shell), the brief on
 * its stdin, its stdout captured up to a cap, a timeout. Advisory only: every
 * failure ends up in *status, nothing here can fail the gate. */
#include "stakes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

char **pg_stakes_argv_split(const char *cmd)
{
	pg_vec args;
	pg_buf word;
	const char *p = cmd ? cmd : "";
	char quote = 0;
	bool in_word = false;
	pg_vec_init(&args, sizeof(char *));
	pg_buf_init(&word, 1 << 16);
	for (;; p++) {
		char c = *p;
		if (quote) {
			if (!c)
				break;
			if (c == quote)
				quote = 0;
			else
				pg_buf_putc(&word, c);
			continue;
		}
		if (!c || c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				*(char **)pg_vec_push(&args) = pg_strdup(word.ptr);
				pg_buf_clear(&word);
				in_word = false;
			}
			if (!c)
				break;
			continue;
		}
		in_word = true;
		if (c == '\'' || c == '"')
			quote = c;
		else
			pg_buf_putc(&word, c);
	}
	pg_buf_dispose(&word);
	if (quote || args.len == 0) {
		size_t i;
		for (i = 0; i < args.len; i++)
			free(*PG_VEC_AT(&args, char *, i));
		pg_vec_dispose(&args);
		pg_error_set(PG_EUSAGE, quote ? "--agent-cmd: unbalanced quote in '%s'" : "--agent-cmd: empty command%s",
			     quote ? cmd : "");
		return NULL;
	}
	*(char **)pg_vec_push(&args) = NULL;
	return args.items;
}

void pg_stakes_argv_free(char **argv)
{
	size_t i;
	if (!argv)
		return;
	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int pg_stakes_agent_exec(char *const argv[], const char *input, size_t input_len, uint32_t timeout_ms,
			 size_t max_out, char **output, bool *truncated, char **status)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	struct sigaction ign, old;
	pg_buf buf;
	pid_t pid;
	size_t written = 0;
	uint64_t deadline = pg_time_usec() + (uint64_t)timeout_ms * 1000u;
	bool timed_out = false, out_open = true;
	int wstatus = 0, rc = PG_ERROR, exec_errno = 0;

	*output = NULL;
	*status = NULL;
	*truncated = false;
	pg_buf_init(&buf, max_out + 1);
	if (pipe(in) < 0 || pipe(out) < 0 || pipe(err_pipe) < 0) {
		*status = pg_printf_alloc("cannot run '%s': %s", argv[0], strerror(errno));
		goto done;
	}
	fcntl(err_pipe[1], F_SETFD, FD_CLOEXEC);
	/* a command that exits without reading its input must not kill us */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	pid = fork();
	if (pid < 0) {
		sigaction(SIGPIPE, &old, NULL);
		*status = pg_printf_alloc("cannot run '%s': %s", argv[0], strerror(errno));
		goto done;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2); /* stderr is not part of the advisory */
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		close(err_pipe[0]);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		exec_errno = errno;
		if (write(err_pipe[1], &exec_errno, sizeof(exec_errno)) < 0)
			_exit(127);
		_exit(127);
	}
	close(in[0]);
	in[0] = -1;
	close(out[1]);
	out[1] = -1;
	close(err_pipe[1]);
	err_pipe[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (input_len == 0) {
		close(in[1]);
		in[1] = -1;
	}
	while (out_open) {
		struct pollfd fds[2];
		int nfds = 0, ms;
		uint64_t now = pg_time_usec();
		if (now >= deadline) {
			timed_out = true;
			break;
		}
		ms = (int)((deadline - now) / 1000u) + 1;
		fds[nfds].fd = out[0];
		fds[nfds++].events = POLLIN;
		if (in[1] >= 0) {
			fds[nfds].fd = in[1];
			fds[nfds++].events = POLLOUT;
		}
		if (poll(fds, (nfds_t)nfds, ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (nfds == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in[1], input + written, input_len - written);
			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN) || written == input_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char chunk[8192];
			ssize_t n = read(out[0], chunk, sizeof(chunk));
			if (n <= 0) {
				if (n < 0 && errno == EINTR)
					continue;
				out_open = false;
			} else if (!*truncated) {
				size_t room = max_out - buf.len;
				pg_buf_put(&buf, chunk, (size_t)n < room ? (size_t)n : room);
				if ((size_t)n > room)
					*truncated = true;
			}
		}
	}
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old, NULL);
	if (read(err_pipe[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno))
		*status = pg_printf_alloc("cannot run '%s': %s", argv[0], strerror(exec_errno));
	else if (timed_out)
		*status = pg_printf_alloc("timed out after %u s (killed)", (timeout_ms + 999) / 1000);
	else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		*status = pg_strdup("exit 0");
		rc = 0;
	} else if (WIFEXITED(wstatus))
		*status = pg_printf_alloc("exit %d", WEXITSTATUS(wstatus));
	else
		*status = pg_printf_alloc("killed by signal %d", WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
done:
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (err_pipe[0] >= 0)
		close(err_pipe[0]);
	if (err_pipe[1] >= 0)
		close(err_pipe[1]);
	*output = pg_buf_detach(&buf);
	if (rc < 0)
		pg_error_set(PG_ERROR, "agent command: %s", *status);
	return rc;
}
