// Preloaded into the gateway under valgrind only (bench/instructions.sh). Valgrind 3.19's rt_sigsuspend
// wrapper edits the signal mask it is given in place; libdispatch's dispatch_main (where Swift's async
// main ends up on Linux) passes a `static const` mask that lives in read-only memory in the shared
// library, so valgrind dies of its own SIGSEGV before the gateway starts. This sigsuspend hands the
// kernel a writable copy; nothing else changes.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
