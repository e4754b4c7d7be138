/*
 * ordo-client: the quick way into Ordo for one-test-per-process callers.
 *
 * The kernel's scripts start `herd7 TEST` once per test, and herd7 answers a small test in
 * about 15 ms. Node alone needs longer than that to start, so Ordo keeps warm Node
 * processes behind a Unix socket (src/daemon/server.ts) and this small native program
 * forwards one command line to them: arguments, current directory and environment go
 * over the socket, stdout, stderr and the exit status come back. Whatever cannot be
 * served that way (no daemon yet, a subcommand, a memory limit, a stale build) is run the
 * ordinary way, by exec'ing `node bin/ordo.js` with the same arguments, so the result
 * never depends on which way it went.
 *
 * Frames, both ways: one kind byte, the payload's length (4 bytes, little-endian), the
 * payload. The kinds are listed in src/daemon/protocol.ts, which is the reference.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PROTOCOL_VERSION "1"
#define EXIT_INTERNAL 4
/* A lock younger than this means another client is starting the daemon already. */
#define STARTING_LOCK_SECONDS 20

static char root[PATH_MAX];
/* ORDO_DAEMON=require: fail rather than run without a warm process (for tests, benchmarks). */
static int require_warm;

/* Run the command the ordinary way: a Node process of its own. */
static void run_directly(int argc, char **argv) {
  char script[PATH_MAX + 32];
  snprintf(script, sizeof script, "%s/bin/ordo.js", root);
  char **args = calloc((size_t)argc + 2, sizeof *args);
  if (!args) {
    perror("ordo");
    exit(EXIT_INTERNAL);
  }
  args[0] = "node";
  args[1] = script;
  for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
  execvp("node", args);
  fprintf(stderr, "ordo: cannot start node: %s\n", strerror(errno));
  exit(127);
}

/* This command line cannot be answered by a warm process: run it the ordinary way. */
static void without_daemon(int argc, char **argv, const char *why) {
  if (require_warm) {
    fprintf(stderr, "ordo: no warm Ordo process: %s (ORDO_DAEMON=require)\n", why);
    exit(EXIT_INTERNAL);
  }
  run_directly(argc, argv);
}

/* The package root: this program is <root>/native/ordo-client. */
static int find_root(const char *argv0) {
  char self[PATH_MAX];
  if (!realpath("/proc/self/exe", self) && !realpath(argv0, self)) return -1;
  for (int up = 0; up < 2; up++) {
    char *slash = strrchr(self, '/');
    if (!slash || slash == self) return -1;
    *slash = '\0';
  }
  snprintf(root, sizeof root, "%s", self);
  return 0;
}

static double mtime_of(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  return (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
}

/*
 * The build's identity, written by tools/bundle-cli.ts beside the bundle. Absent, or
 * older than the compiled command line (tsc ran without the bundling step), means the
 * warm processes might run other code than bin/ordo.js would: do not use them.
 */
static int read_build_id(char *id, size_t size) {
  char path[PATH_MAX + 64], main_js[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/dist/src/cli/main.bundle.id", root);
  snprintf(main_js, sizeof main_js, "%s/dist/src/cli/main.js", root);
  double id_time = mtime_of(path);
  if (id_time < 0 || mtime_of(main_js) > id_time) return -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, id, size - 1);
  close(fd);
  if (n <= 0) return -1;
  id[n] = '\0';
  for (ssize_t i = 0; i < n; i++) {
    if (id[i] == '\n') {
      id[i] = '\0';
      break;
    }
    if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))) return -1;
  }
  return id[0] ? 0 : -1;
}

/*
 * The directory of the daemon's socket, as src/daemon/protocol.ts computes it. It must be
 * ours alone (owner, mode 0700): the socket carries our environment.
 */
static int daemon_dir(char *dir, size_t size) {
  const char *explicit_dir = getenv("ORDO_DAEMON_DIR");
  const char *runtime = getenv("XDG_RUNTIME_DIR");
  if (explicit_dir && *explicit_dir)
    snprintf(dir, size, "%s", explicit_dir);
  else if (runtime && *runtime)
    snprintf(dir, size, "%s/ordo", runtime);
  else
    snprintf(dir, size, "/tmp/ordo-%lu", (unsigned long)getuid());
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
  struct stat st;
  if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
      (st.st_mode & 077) != 0)
    return -1;
  return 0;
}

/* Start the daemon in the background, detached from this process's terminal and files. */
static void start_daemon(const char *dir, const char *id) {
  char lock[PATH_MAX + 128];
  snprintf(lock, sizeof lock, "%s/%s.starting", dir, id);
  int fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    struct stat st;
    if (errno != EEXIST || stat(lock, &st) != 0) return;
    if (time(NULL) - st.st_mtime < STARTING_LOCK_SECONDS) return;
    unlink(lock);
    fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return;
  }
  close(fd);
  pid_t child = fork();
  if (child < 0) return;
  if (child == 0) {
    setsid();
    if (fork() != 0) _exit(0);
    char server[PATH_MAX + 64], log[PATH_MAX + 128];
    snprintf(server, sizeof server, "%s/dist/src/daemon/server.js", root);
    snprintf(log, sizeof log, "%s/%s.log", dir, id);
    int in = open("/dev/null", O_RDONLY);
    int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    /* Nothing of the caller's stays open: a pipe held here would never see its end. */
    for (int f = 3; f < 1024; f++) close(f);
    if (chdir("/") != 0) _exit(127);
    execlp("node", "node", server, dir, id, (char *)NULL);
    _exit(127);
  }
  waitpid(child, NULL, 0);
}

/* A growable byte buffer. */
struct buf {
  char *data;
  size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
      perror("ordo");
      exit(EXIT_INTERNAL);
    }
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void put_string(struct buf *b, const char *s) { put(b, s, strlen(s) + 1); }

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  int saved = errno;
  unsigned char s = (unsigned char)sig;
  if (write(signal_pipe[1], &s, 1) < 0) { /* the loop will not see it; nothing to do */
  }
  errno = saved;
}

static void die_of(int sig) {
  signal(sig, SIG_DFL);
  raise(sig);
  exit(128 + sig);
}

int main(int argc, char **argv) {
  if (find_root(argv[0]) != 0) {
    fprintf(stderr, "ordo: cannot find Ordo's installation from %s\n", argv[0]);
    return EXIT_INTERNAL;
  }
  const char *use = getenv("ORDO_DAEMON");
  if (use && strcmp(use, "0") == 0) run_directly(argc, argv);
  require_warm = use && strcmp(use, "require") == 0;

  char id[80], dir[PATH_MAX], cwd[PATH_MAX];
  if (read_build_id(id, sizeof id) != 0)
    without_daemon(argc, argv, "no current build id (npm run build)");
  if (daemon_dir(dir, sizeof dir) != 0)
    without_daemon(argc, argv, "the socket's directory is not private to this user");
  if (!getcwd(cwd, sizeof cwd)) without_daemon(argc, argv, "no current directory");

  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s.sock", dir, id) >=
      sizeof addr.sun_path)
    without_daemon(argc, argv, "the socket's path is too long");
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) without_daemon(argc, argv, strerror(errno));
  if (connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(sock);
    if (require_warm) without_daemon(argc, argv, "no daemon (ordo daemon start)");
    /*
     * Only herd7-style command lines (an option or a file first) start a daemon: a
     * subcommand (a bare word: run, serve, daemon, ...) is not served by one anyway.
     */
    if (argc > 1 && (argv[1][0] == '-' || strpbrk(argv[1], "./"))) start_daemon(dir, id);
    run_directly(argc, argv);
  }

  /* The request: see parseRequest in src/daemon/protocol.ts. */
  struct buf req = {0};
  char tty[4] = {isatty(0) ? '1' : '0', isatty(1) ? '1' : '0', isatty(2) ? '1' : '0', 0};
  struct winsize ws;
  char cols[16], count[16];
  snprintf(cols, sizeof cols, "%d", ioctl(2, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0);
  snprintf(count, sizeof count, "%d", argc - 1);
  put(&req, "Q\0\0\0\0", 5);
  put_string(&req, PROTOCOL_VERSION);
  put_string(&req, cwd);
  put_string(&req, tty);
  put_string(&req, cols);
  mode_t mask = umask(0);
  umask(mask);
  char mask_text[8];
  snprintf(mask_text, sizeof mask_text, "%o", (unsigned)mask);
  put_string(&req, mask_text);
  char pid_text[24];
  snprintf(pid_text, sizeof pid_text, "%ld", (long)getpid());
  put_string(&req, pid_text);
  put_string(&req, count);
  for (int i = 1; i < argc; i++) put_string(&req, argv[i]);
  for (char **e = environ; *e; e++) put_string(&req, *e);
  uint32_t payload = (uint32_t)(req.len - 5);
  for (int i = 0; i < 4; i++) req.data[1 + i] = (char)((payload >> (8 * i)) & 0xff);

  if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) without_daemon(argc, argv, strerror(errno));
  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
    sigaction(forwarded[i], &sa, NULL);

  if (write_all(sock, req.data, req.len) != 0) {
    close(sock);
    without_daemon(argc, argv, "the daemon closed the connection");
  }
  free(req.data);

  struct buf in = {0};
  pid_t runner = 0;
  int pending_signal = 0;
  for (;;) {
    struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = signal_pipe[0], .events = POLLIN}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      perror("ordo");
      return EXIT_INTERNAL;
    }
    if (fds[1].revents & POLLIN) {
      unsigned char s;
      while (read(signal_pipe[0], &s, 1) == 1) {
        pending_signal = s;
        /* The warm process runs the test without looking at its socket: signal it. */
        if (runner > 0)
          kill(runner, s);
        else
          die_of(s);
      }
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char chunk[65536];
    ssize_t n = read(sock, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      /* Ended without an exit status. */
      if (runner == 0) without_daemon(argc, argv, "the daemon closed the connection");
      if (pending_signal) die_of(pending_signal);
      fprintf(stderr,
              "ordo: the warm Ordo process (pid %d) ended without an answer; "
              "ORDO_DAEMON=0 runs without it\n",
              (int)runner);
      return EXIT_INTERNAL;
    }
    put(&in, chunk, (size_t)n);
    size_t at = 0;
    while (in.len - at >= 5) {
      const unsigned char *h = (const unsigned char *)in.data + at;
      uint32_t len = (uint32_t)h[1] | (uint32_t)h[2] << 8 | (uint32_t)h[3] << 16 | (uint32_t)h[4] << 24;
      if (in.len - at - 5 < len) break;
      const char *body = in.data + at + 5;
      char text[32];
      size_t tl = len < sizeof text - 1 ? len : sizeof text - 1;
      switch (h[0]) {
        case 'P':
          memcpy(text, body, tl);
          text[tl] = '\0';
          runner = (pid_t)atoi(text);
          if (pending_signal && runner > 0) kill(runner, pending_signal);
          break;
        case 'O':
          if (write_all(1, body, len) != 0) return 1;
          break;
        case 'E':
          write_all(2, body, len);
          break;
        case 'X':
          memcpy(text, body, tl);
          text[tl] = '\0';
          return atoi(text);
        case 'F':
          close(sock);
          run_directly(argc, argv);
          break;
        default:
          fprintf(stderr, "ordo: unexpected answer from the warm Ordo process (kind %d)\n", h[0]);
          return EXIT_INTERNAL;
      }
      at += 5 + len;
    }
    memmove(in.data, in.data + at, in.len - at);
    in.len -= at;
  }
}
