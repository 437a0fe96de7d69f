#ifndef ORCHESTRA_CSHIMS_H
#define ORCHESTRA_CSHIMS_H

#include <curl/curl.h>
#include <sys/types.h>

// Swift cannot call C variadic functions; these wrappers give one typed entry point per argument kind.
CURLcode orchestra_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode orchestra_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode orchestra_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode orchestra_curl_setopt_write_callback(CURL *handle, CURLoption option,
    size_t (*callback)(char *, size_t, size_t, void *));
CURLcode orchestra_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode orchestra_curl_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode orchestra_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Spawns `path` with a clean signal state and only fds 0-2 inherited. Returns 0 or an errno value.
int orchestra_spawn(const char *path, char *const argv[], char *const envp[], pid_t *pid);

/// Non-blocking wait for one specific child; returns the pid, 0 when still running, -1 on error.
/// On exit, `exit_code` or `signal_number` is set (the other one is -1).
pid_t orchestra_wait_child(pid_t pid, int *exit_code, int *signal_number);

/// Asks the kernel to send `signal_number` to this process when its parent thread dies.
int orchestra_set_parent_death_signal(int signal_number);

#endif
