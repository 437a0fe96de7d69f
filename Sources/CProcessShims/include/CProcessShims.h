#ifndef ORCHESTRA_CPROCESSSHIMS_H
#define ORCHESTRA_CPROCESSSHIMS_H

#include <sys/types.h>

/// Spawns `path` with a clean signal state and only fds 0-2 inherited, plus `key_fd` as fd 3 when it
/// is not -1. Returns 0 or an errno value.
int orchestra_spawn(const char *path, char *const argv[], char *const envp[], int key_fd, pid_t *pid);

/// Moves the value of environment variable `name` into a sealed memfd without copying it into the
/// heap, wipes the bytes in the process's environment block (so /proc/<pid>/environ no longer shows
/// them) and unsets the variable. Returns the memfd, -1 when the variable is unset or empty, -2 on error.
int orchestra_move_env_to_memfd(const char *name);

/// Non-blocking wait for one specific child; returns the pid, 0 when still running, -1 on error.
/// On exit, `exit_code` or `signal_number` is set (the other one is -1).
pid_t orchestra_wait_child(pid_t pid, int *exit_code, int *signal_number);

/// Asks the kernel to send `signal_number` to this process when its parent thread dies.
int orchestra_set_parent_death_signal(int signal_number);

/// Caps glibc's malloc arenas (one per thread by default, each holding its own free memory).
void orchestra_limit_malloc_arenas(int count);
/// Makes the process non-dumpable: its `/proc/<pid>/fd`, `mem` and `environ` then belong to root, so
/// another process of the same user cannot read the keys it holds (nor can it dump core).
int orchestra_forbid_inspection(void);
/// Allocations of `threshold` bytes or more are mapped and unmapped on their own, so a large answer's
/// buffers go back to the system when freed.
void orchestra_return_large_buffers(int threshold);
/// Hands every free page of every malloc arena back to the kernel (`malloc_trim(0)`): the heap that a crowd
/// of connections used stays resident otherwise, fragmented below the top of the heap.
void orchestra_return_free_heap(void);
/// Unmaps the executable's code pages (they stay in the page cache), so only the code that runs from now on
/// comes back, a page and its neighbours at a time: start-up touches code, and the kernel maps up to
/// 64 KiB around each page touched, that an idle or serving process never runs again (18 MB of the
/// front's 35 MB of code were resident at idle). Returns the number of mappings released, or -1.
int orchestra_release_code_pages(void);

/// Sets Swift's `swift_task_enqueueGlobal_hook` so that every job for the global executor goes to `sink`,
/// if nothing set the hook before; returns 1 when set. Linked, not looked up with `dlsym`: the release
/// binaries carry the Swift runtime statically and export none of its symbols.
int orchestra_install_global_enqueue_hook(void (*sink)(void *job));

#endif
