// WebDAV delivery against a local stand-in: the file arrives whole with basic
// authentication, failures are retried, a refusal gives up after the set
// number of tries, and bad URLs are refused before anything is sent.
#include <sodium.h>

#include "recording/private_fs.hpp"
#include "recording/webdav_upload.hpp"
#include "support/http_standin.hpp"
#include "support/recording_fakes.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::testing;
using recording::WebdavTarget;
using recording::WebdavUploader;

namespace {

std::string some_bytes(std::size_t n) {
    std::string s(n, '\0');
    randombytes_buf(s.data(), s.size());
    return s;
}

WebdavTarget target_for(const HttpStandIn& server) {
    WebdavTarget t;
    t.url = server.url();
    t.user = "practice";
    t.password = "s3cret pass";
    t.attempts = 3;
    t.first_retry_delay_ms = 50;
    return t;
}

void the_file_arrives_whole_with_basic_auth(void**) {
    TempDir dir;
    const std::string file = dir.path + "/recording.mp4";
    const std::string content = some_bytes(3 * 1024 * 1024 + 17);
    assert_true(recording::private_fs::write_private_file(file, content));
    HttpStandIn server({201});
    WebdavUploader up(target_for(server));
    std::string reason;
    assert_true(up.put(file, "counsel-0123456789abcdef.mp4", nullptr, reason));
    const auto got = server.requests();
    assert_int_equal(got.size(), 1);
    assert_string_equal(got[0].method.c_str(), "PUT");
    assert_string_equal(got[0].path.c_str(), "/dav/recordings/counsel-0123456789abcdef.mp4");
    // "practice:s3cret pass" in base64.
    assert_string_equal(got[0].authorization.c_str(), "Basic cHJhY3RpY2U6czNjcmV0IHBhc3M=");
    assert_true(got[0].body == content);
}

void failures_are_retried(void**) {
    TempDir dir;
    const std::string file = dir.path + "/r.mp4";
    recording::private_fs::write_private_file(file, "abc");
    HttpStandIn server({503, 502, 204});
    WebdavUploader up(target_for(server));
    std::string reason;
    assert_true(up.put(file, "r.mp4", nullptr, reason));
    assert_int_equal(server.requests().size(), 3);
    assert_int_equal(up.requests_made(), 3);
}

void a_refusal_gives_up_after_the_tries_and_says_only_the_status(void**) {
    TempDir dir;
    const std::string file = dir.path + "/r.mp4";
    recording::private_fs::write_private_file(file, "abc");
    HttpStandIn server({401, 401, 401, 401});
    WebdavTarget t = target_for(server);
    WebdavUploader up(t);
    std::string reason;
    assert_false(up.put(file, "r.mp4", nullptr, reason));
    assert_int_equal(server.requests().size(), 3);
    assert_string_equal(reason.c_str(), "the server answered HTTP 401");
    assert_true(reason.find(t.password) == std::string::npos);
    assert_true(reason.find("127.0.0.1") == std::string::npos);
}

void an_unreachable_server_fails_without_naming_it(void**) {
    TempDir dir;
    const std::string file = dir.path + "/r.mp4";
    recording::private_fs::write_private_file(file, "abc");
    int port;
    {
        HttpStandIn gone({});
        port = gone.port;
    }
    WebdavTarget t;
    t.url = "http://127.0.0.1:" + std::to_string(port) + "/dav/";
    t.attempts = 2;
    t.first_retry_delay_ms = 10;
    WebdavUploader up(t);
    std::string reason;
    assert_false(up.put(file, "r.mp4", nullptr, reason));
    assert_true(reason.rfind("transfer failed: ", 0) == 0);
    assert_true(reason.find("127.0.0.1") == std::string::npos);
}

void a_stop_ends_the_waiting(void**) {
    TempDir dir;
    const std::string file = dir.path + "/r.mp4";
    recording::private_fs::write_private_file(file, "abc");
    HttpStandIn server({500, 500, 500});
    WebdavTarget t = target_for(server);
    t.first_retry_delay_ms = 60'000;
    WebdavUploader up(t);
    std::string reason;
    int asked = 0;
    assert_false(up.put(file, "r.mp4", [&] { return ++asked > 2; }, reason));
    assert_int_equal(server.requests().size(), 1);
}

void bad_urls_and_names_are_refused(void**) {
    std::string reason;
    assert_true(WebdavUploader::valid_url("https://cloud.example/remote.php/dav/files/p/Rec/", reason));
    assert_false(WebdavUploader::valid_url("ftp://cloud.example/", reason));
    assert_false(WebdavUploader::valid_url("https://user:pw@cloud.example/", reason));
    assert_false(WebdavUploader::valid_url("https://cloud.example/?x=1", reason));
    assert_false(WebdavUploader::valid_url("https:///nohost", reason));
    TempDir dir;
    const std::string file = dir.path + "/r.mp4";
    recording::private_fs::write_private_file(file, "abc");
    HttpStandIn server({201});
    WebdavUploader up(target_for(server));
    assert_false(up.put(file, "../escape.mp4", nullptr, reason));
    assert_false(up.put(file, "a/b.mp4", nullptr, reason));
    assert_false(up.put(dir.path + "/missing.mp4", "m.mp4", nullptr, reason));
    assert_int_equal(server.requests().size(), 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_file_arrives_whole_with_basic_auth),
        cmocka_unit_test(failures_are_retried),
        cmocka_unit_test(a_refusal_gives_up_after_the_tries_and_says_only_the_status),
        cmocka_unit_test(an_unreachable_server_fails_without_naming_it),
        cmocka_unit_test(a_stop_ends_the_waiting),
        cmocka_unit_test(bad_urls_and_names_are_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
