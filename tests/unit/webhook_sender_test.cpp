// Event webhooks against a local stand-in: events arrive as POSTs signed with
// HMAC-SHA256 over "<timestamp>.<body>", 5xx and no connection are retried,
// a 4xx is not, a full queue drops its oldest events (counted) instead of
// blocking, and unusable settings are refused before anything is sent.
#include <sodium.h>

#include "events/webhook_sender.hpp"
#include "support/http_standin.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel::testing;
using counsel::events::WebhookSender;
using counsel::events::WebhookSettings;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-events";

WebhookSettings settings_for(const std::string& url) {
    WebhookSettings s;
    s.url = url;
    s.secret = kSecret;
    s.attempts = 3;
    s.first_retry_delay_ms = 20;
    s.timeout_s = 5;
    return s;
}

// A URL on 127.0.0.1 where nothing listens.
std::string closed_url() {
    int port;
    {
        HttpStandIn probe({});
        port = probe.port;
    }
    return "http://127.0.0.1:" + std::to_string(port) + "/hook";
}

void an_event_arrives_signed(void**) {
    HttpStandIn server({204});
    WebhookSender sender(settings_for(server.url("/hook")));
    const std::string body = R"({"event":"ended","room":"0123abcd","reason":"moderator","admitted":2})";
    sender.post(body);
    assert_true(sender.wait_idle(5000));
    const auto got = server.requests();
    assert_int_equal(got.size(), 1);
    assert_string_equal(got[0].method.c_str(), "POST");
    assert_string_equal(got[0].path.c_str(), "/hook");
    assert_true(got[0].body == body);
    assert_string_equal(got[0].header("Content-Type").c_str(), "application/json");
    const std::string ts = got[0].header("X-Counsel-Timestamp");
    assert_false(ts.empty());
    assert_string_equal(got[0].header("X-Counsel-Signature").c_str(), WebhookSender::signature(kSecret, ts, body).c_str());
    // The signature is HMAC-SHA256 under the secret: another secret or body gives another one.
    assert_string_not_equal(WebhookSender::signature(kSecret + "x", ts, body).c_str(), WebhookSender::signature(kSecret, ts, body).c_str());
    assert_string_not_equal(WebhookSender::signature(kSecret, ts, body + " ").c_str(), WebhookSender::signature(kSecret, ts, body).c_str());
    assert_int_equal(WebhookSender::signature(kSecret, ts, body).size(), 7 + 64);
    assert_int_equal(sender.stats().delivered, 1);
}

void server_errors_are_retried_refusals_are_not(void**) {
    HttpStandIn server({503, 429, 200, 400});
    WebhookSender sender(settings_for(server.url("/hook")));
    sender.post("{\"event\":\"a\"}");
    assert_true(sender.wait_idle(5000));
    assert_int_equal(server.requests().size(), 3);
    sender.post("{\"event\":\"b\"}");
    assert_true(sender.wait_idle(5000));
    assert_int_equal(server.requests().size(), 4);  // the 400 is not tried again
    const auto st = sender.stats();
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.retries, 2);
}

void no_connection_is_retried_then_given_up(void**) {
    WebhookSender sender(settings_for(closed_url()));
    sender.post("{\"event\":\"a\"}");
    assert_true(sender.wait_idle(10000));
    const auto st = sender.stats();
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.retries, 2);
    assert_int_equal(st.delivered, 0);
}

void a_full_queue_drops_the_oldest_instead_of_blocking(void**) {
    WebhookSettings s = settings_for(closed_url());
    s.max_queue = 3;
    s.attempts = 2;
    s.first_retry_delay_ms = 2000;  // the worker sits in its pause with event 0
    WebhookSender sender(s);
    sender.post("{\"n\":0}");
    for (int i = 1; i <= 6; ++i) sender.post("{\"n\":" + std::to_string(i) + "}");
    // Events 1..3 were pushed out by 4..6 (or 0 is still queued and 1..4 went).
    assert_true(sender.stats().dropped >= 3);
    sender.stop();
    const auto st = sender.stats();
    assert_int_equal(st.delivered, 0);
    assert_int_equal(st.dropped + st.failed, 7);
}

void unusable_settings_are_refused(void**) {
    std::string reason;
    WebhookSettings s = settings_for("https://hooks.example.org/counsel");
    assert_true(WebhookSender::valid(s, reason));
    s.url = "ftp://hooks.example.org/";
    assert_false(WebhookSender::valid(s, reason));
    s.url = "https://user:pw@hooks.example.org/";
    assert_false(WebhookSender::valid(s, reason));
    assert_true(reason.find("pw") == std::string::npos);
    s.url = "https:///path";
    assert_false(WebhookSender::valid(s, reason));
    s = settings_for("https://hooks.example.org/");
    s.secret = "short";
    assert_false(WebhookSender::valid(s, reason));
    assert_true(reason.find("events_secret") != std::string::npos);
}

}  // namespace

int main() {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_event_arrives_signed),
        cmocka_unit_test(server_errors_are_retried_refusals_are_not),
        cmocka_unit_test(no_connection_is_retried_then_given_up),
        cmocka_unit_test(a_full_queue_drops_the_oldest_instead_of_blocking),
        cmocka_unit_test(unusable_settings_are_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
