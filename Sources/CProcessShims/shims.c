#define _GNU_SOURCE
#include "CProcessShims.h"
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int orchestra_spawn(const char *path, char *const argv[], char *const envp[], pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    sigset_t all_signals, no_signals;
    int result;

    posix_spawn_file_actions_init(&actions);
    // Only stdin/stdout/stderr cross into a worker: no listening socket or other fd of the front leaks.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    posix_spawnattr_init(&attributes);
    sigfillset(&all_signals);
    sigemptyset(&no_signals);
    // Swift runtimes ignore SIGPIPE; a worker starts with every signal at its default and none blocked.
    posix_spawnattr_setsigdefault(&attributes, &all_signals);
    posix_spawnattr_setsigmask(&attributes, &no_signals);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    result = posix_spawn(pid, path, &actions, &attributes, argv, envp);

    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return result;
}

pid_t orchestra_wait_child(pid_t pid, int *exit_code, int *signal_number) {
    int status = 0;
    pid_t result;
    do {
        result = waitpid(pid, &status, WNOHANG);
    } while (result < 0 && errno == EINTR);
    *exit_code = -1;
    *signal_number = -1;
    if (result > 0) {
        if (WIFEXITED(status)) *exit_code = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) *signal_number = WTERMSIG(status);
    }
    return result;
}

int orchestra_set_parent_death_signal(int signal_number) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal_number, 0, 0, 0);
}

void orchestra_limit_malloc_arenas(int count) {
    mallopt(M_ARENA_MAX, count);
}
