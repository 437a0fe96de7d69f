#ifndef ORCHESTRA_CCURLSHIMS_H
#define ORCHESTRA_CCURLSHIMS_H

#include <curl/curl.h>

// Swift cannot call C variadic functions; these wrappers give one typed entry point per argument kind.
CURLcode orchestra_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode orchestra_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode orchestra_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode orchestra_curl_setopt_write_callback(CURL *handle, CURLoption option,
    size_t (*callback)(char *, size_t, size_t, void *));
CURLcode orchestra_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode orchestra_curl_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode orchestra_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

#endif
