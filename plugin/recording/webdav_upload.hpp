// Optional delivery of finished recordings to the practice's own storage
// (Nextcloud, any WebDAV server): an HTTP PUT of the file into a collection,
// over libcurl, with retries. The URL and the credentials come from the
// configuration and are never logged; failure reasons name libcurl's error
// class or the HTTP status, nothing else.
#pragma once

#include <functional>
#include <string>

namespace counsel::recording {

struct WebdavTarget {
    std::string url;       // collection, e.g. https://cloud.example/remote.php/dav/files/practice/Recordings/
    std::string user;      // HTTP basic authentication (empty: none)
    std::string password;
    int attempts = 5;              // tries per file
    int first_retry_delay_ms = 2000;  // doubled after every failed try
    long connect_timeout_s = 15;
    long low_speed_time_s = 60;    // abort a transfer that moves < 1 KB/s for this long
};

class WebdavUploader {
public:
    explicit WebdavUploader(WebdavTarget target);
    ~WebdavUploader();
    WebdavUploader(const WebdavUploader&) = delete;
    WebdavUploader& operator=(const WebdavUploader&) = delete;

    // Whether the URL is usable: http(s), no credentials or query in it.
    static bool valid_url(const std::string& url, std::string& reason);

    // PUTs `local_path` as <url>/<remote_name> (the name must be a plain file
    // name). Tries `attempts` times; `cancelled` is asked between tries and
    // ends the waiting early. True once the server answered 2xx.
    bool put(const std::string& local_path, const std::string& remote_name, const std::function<bool()>& cancelled,
             std::string& reason);

    // How many PUT requests were made (for tests).
    int requests_made() const { return requests_; }

private:
    bool put_once(const std::string& local_path, const std::string& url, std::string& reason);

    WebdavTarget target_;
    int requests_ = 0;
};

}  // namespace counsel::recording
