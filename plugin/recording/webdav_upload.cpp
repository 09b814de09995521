#include "recording/webdav_upload.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "recording/private_fs.hpp"

namespace counsel::recording {
namespace {

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool plain_name(const std::string& name) {
    if (name.empty() || name.size() > 200 || name == "." || name == "..") return false;
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    return true;
}

void wipe(std::string& s) {
    if (!s.empty()) sodium_memzero(s.data(), s.size());
    s.clear();
}

}  // namespace

WebdavUploader::WebdavUploader(WebdavTarget target) : target_(std::move(target)) { init_curl_once(); }

WebdavUploader::~WebdavUploader() {
    wipe(target_.password);
    wipe(target_.user);
}

bool WebdavUploader::valid_url(const std::string& url, std::string& reason) {
    const bool https = url.rfind("https://", 0) == 0;
    const bool http = url.rfind("http://", 0) == 0;
    if (!https && !http) {
        reason = "rec_webdav_url must start with https:// (or http://)";
        return false;
    }
    const std::string rest = url.substr(https ? 8 : 7);
    const std::string authority = rest.substr(0, rest.find('/'));
    if (authority.empty() || authority.find('@') != std::string::npos) {
        reason = "rec_webdav_url must name a host and carry no credentials (use rec_webdav_user/rec_webdav_password)";
        return false;
    }
    if (url.find_first_of("?# \t\r\n") != std::string::npos) {
        reason = "rec_webdav_url must be a plain collection URL (no query, fragment or spaces)";
        return false;
    }
    return true;
}

bool WebdavUploader::put(const std::string& local_path, const std::string& remote_name,
                         const std::function<bool()>& cancelled, std::string& reason) {
    if (!plain_name(remote_name)) {
        reason = "bad remote file name";
        return false;
    }
    std::string url = target_.url;
    if (url.empty() || url.back() != '/') url += '/';
    url += remote_name;
    int delay_ms = target_.first_retry_delay_ms;
    for (int attempt = 1; attempt <= std::max(1, target_.attempts); ++attempt) {
        if (put_once(local_path, url, reason)) return true;
        if (attempt == target_.attempts) break;
        // Wait before the next try, a little at a time so a stop is noticed.
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
        while (std::chrono::steady_clock::now() < until) {
            if (cancelled && cancelled()) {
                reason += " (stopped)";
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        delay_ms = std::min(delay_ms * 2, 5 * 60 * 1000);
    }
    return false;
}

bool WebdavUploader::put_once(const std::string& local_path, const std::string& url, std::string& reason) {
    const std::int64_t size = private_fs::file_size(local_path);
    if (size < 0) {
        reason = "the file to upload is missing";
        return false;
    }
    FILE* file = std::fopen(local_path.c_str(), "rb");
    if (!file) {
        reason = "the file to upload cannot be read";
        return false;
    }
    CURL* curl = curl_easy_init();
    if (!curl) {
        std::fclose(file);
        reason = "libcurl could not start";
        return false;
    }
    ++requests_;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READDATA, file);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 0L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, target_.connect_timeout_s);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, target_.low_speed_time_s);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!target_.user.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, target_.user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, target_.password.c_str());
    }
    struct curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/octet-stream");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    // The answer body is of no interest (and is not logged).
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    std::fclose(file);
    if (code != CURLE_OK) {
        reason = std::string("transfer failed: ") + curl_easy_strerror(code);
        return false;
    }
    if (status < 200 || status > 299) {
        reason = "the server answered HTTP " + std::to_string(status);
        return false;
    }
    return true;
}

}  // namespace counsel::recording
