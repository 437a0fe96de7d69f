#define _GNU_SOURCE
#include "CProcessShims.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int orchestra_spawn(const char *path, char *const argv[], char *const envp[], int key_fd, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    sigset_t all_signals, no_signals;
    int result;

    posix_spawn_file_actions_init(&actions);
    // Only stdin/stdout/stderr (and the worker's own key, as fd 3) cross into a worker: no listening
    // socket or other fd of the front leaks. dup2 clears close-on-exec on the copy.
    if (key_fd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, key_fd, 3);
        posix_spawn_file_actions_addclosefrom_np(&actions, 4);
    } else {
        posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    }

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

int orchestra_forbid_inspection(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void orchestra_limit_malloc_arenas(int count) {
    mallopt(M_ARENA_MAX, count);
}

void orchestra_return_large_buffers(int threshold) {
    /* A fixed threshold turns off glibc's sliding one, which after one large answer would keep every
       later buffer of that size in the heap (RSS that never comes back). */
    mallopt(M_MMAP_THRESHOLD, threshold);
    mallopt(M_TRIM_THRESHOLD, 2 * threshold);
}

void orchestra_return_free_heap(void) {
    malloc_trim(0);
}

int orchestra_release_code_pages(void) {
    char exe[4096];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (length <= 0) return -1;
    exe[length] = 0;
    FILE *maps = fopen("/proc/self/maps", "re");
    if (maps == NULL) return -1;
    char line[4096 + 128];
    int released = 0;
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long start, end;
        char permissions[5];
        int path = 0;
        if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &start, &end, permissions, &path) < 3 || path == 0) continue;
        char *name = line + path;
        name[strcspn(name, "\n")] = 0;
        /* Only the executable's code: never written, so always the file's bytes. Its read-only data is left
           alone: part of it (RELRO) was written by the loader before being made read-only. */
        if (strcmp(permissions, "r-xp") != 0 || strcmp(name, exe) != 0) continue;
        if (madvise((void *)start, end - start, MADV_DONTNEED) == 0) released += 1;
    }
    fclose(maps);
    return released;
}

// Declared by the Swift runtime (include/swift/Runtime/Concurrency.h) as
// `SWIFT_CC(swift) void (*)(Job *job, void (*original)(Job *))`; only stored here.
extern void *swift_task_enqueueGlobal_hook;

static void (*orchestra_job_sink)(void *job);

__attribute__((swiftcall)) static void orchestra_enqueue_global(void *job, void *original) {
    (void)original;
    orchestra_job_sink(job);
}

int orchestra_install_global_enqueue_hook(void (*sink)(void *job)) {
    if (swift_task_enqueueGlobal_hook != NULL) return 0;
    orchestra_job_sink = sink;
    swift_task_enqueueGlobal_hook = (void *)orchestra_enqueue_global;
    return 1;
}

extern char **environ;

int orchestra_move_env_to_memfd(const char *name) {
    size_t name_length = strlen(name);
    char *value = NULL;
    for (char **entry = environ; entry && *entry; entry++) {
        if (strncmp(*entry, name, name_length) == 0 && (*entry)[name_length] == '=') {
            value = *entry + name_length + 1;
            break;
        }
    }
    if (value == NULL || *value == '\0') return -1;
    size_t length = strlen(value);
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -2;
    size_t written = 0;
    while (written < length) {
        ssize_t result = write(fd, value + written, length - written);
        if (result < 0) {
            if (errno == EINTR) continue;
            close(fd);
            return -2;
        }
        written += (size_t)result;
    }
    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    explicit_bzero(value, length);
    unsetenv(name);
    return fd;
}
