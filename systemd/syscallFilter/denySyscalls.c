/*
 * deny-syscalls NAME... -- COMMAND ARG...: runs COMMAND with a seccomp filter that makes the named system calls fail
 * with EPERM, as systemd's SystemCallFilter=~NAME... with SystemCallErrorNumber=EPERM does, inherited by every child.
 * The tests use it to show that the daemon runs under the unit's filter on a machine where it cannot run the unit.
 * Names this architecture does not have are skipped. Build: cc -o deny-syscalls denySyscalls.c -lseccomp
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int i = 1;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == NULL) {
    fprintf(stderr, "deny-syscalls: seccomp_init failed\n");
    return 125;
  }
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    int nr = seccomp_syscall_resolve_name(argv[i]);
    if (nr == __NR_SCMP_ERROR) continue;
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    if (rc != 0) {
      fprintf(stderr, "deny-syscalls: cannot deny %s: %s\n", argv[i], strerror(-rc));
      return 125;
    }
  }
  if (i >= argc - 1) {
    fprintf(stderr, "usage: deny-syscalls NAME... -- COMMAND ARG...\n");
    return 125;
  }
  int rc = seccomp_load(ctx);
  if (rc != 0) {
    fprintf(stderr, "deny-syscalls: cannot load the filter: %s\n", strerror(-rc));
    return 125;
  }
  seccomp_release(ctx);
  execvp(argv[i + 1], &argv[i + 1]);
  fprintf(stderr, "deny-syscalls: cannot run %s: %s\n", argv[i + 1], strerror(errno));
  return 127;
}
