// The capability store: 128-bit links, only their SHA-256 on disk (0600 in a
// 0700 folder), expiry, forgetting, sweeping; wrong links open nothing.
#include <grp.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <set>

#include "recording/capability_store.hpp"
#include "recording/private_fs.hpp"
#include "support/recording_fakes.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::testing;
using recording::CapabilityStore;

namespace {

constexpr std::int64_t kNow = 1'790'000'000;
const std::string kRoom = "0123456789abcdef";

std::string capability_of(const std::string& path) { return path.substr(5); }

void make_recording(const std::string& rec_dir, const std::string& room) {
    std::string reason;
    assert_true(recording::private_fs::make_private_dir(rec_dir + "/" + room, reason));
    assert_true(recording::private_fs::write_private_file(rec_dir + "/" + room + "/recording.mp4", "not really an mp4"));
}

void minted_links_are_128_bit_url_safe_and_distinct(void**) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const CapabilityStore::Minted m = CapabilityStore::mint();
        assert_true(m.path.rfind("/rec/", 0) == 0);
        const std::string cap = capability_of(m.path);
        assert_int_equal(cap.size(), 22);
        assert_true(CapabilityStore::well_formed(cap));
        assert_string_equal(CapabilityStore::digest_hex(cap).c_str(), m.digest.c_str());
        // 22 base64url characters decode to exactly 16 bytes.
        unsigned char raw[32];
        std::size_t len = 0;
        assert_int_equal(sodium_base642bin(raw, sizeof raw, cap.c_str(), cap.size(), nullptr, &len, nullptr,
                                           sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                         0);
        assert_int_equal(len, 16);
        assert_true(seen.insert(cap).second);
    }
}

void the_digest_is_plain_sha256_hex(void**) {
    // SHA-256("abc"), so a web server can compute it without this code.
    assert_string_equal(CapabilityStore::digest_hex("abc").c_str(),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

void malformed_capabilities_are_refused_before_any_lookup(void**) {
    assert_false(CapabilityStore::well_formed(""));
    assert_false(CapabilityStore::well_formed("short"));
    assert_false(CapabilityStore::well_formed("AAAAAAAAAAAAAAAAAAAAA/"));   // not URL-safe
    assert_false(CapabilityStore::well_formed("AAAAAAAAAAAAAAAAAAAAAAA"));  // 23 characters
    assert_false(CapabilityStore::well_formed("AAAAAAAAAAAAAAAAAAAAAB"));   // more than 128 bits
    assert_true(CapabilityStore::well_formed("AAAAAAAAAAAAAAAAAAAAAA"));
    assert_false(CapabilityStore::valid_room_ref("../etc"));
    assert_false(CapabilityStore::valid_room_ref("a/b"));
    assert_false(CapabilityStore::valid_room_ref(""));
    assert_true(CapabilityStore::valid_room_ref(kRoom));
}

void a_published_link_opens_its_recording_until_it_expires(void**) {
    TempDir dir;
    CapabilityStore store(dir.path);
    std::string reason;
    assert_true(store.open(reason));
    assert_int_equal(mode_of(dir.path + "/_links"), 0700);
    make_recording(dir.path, kRoom);
    const auto m = CapabilityStore::mint();
    const std::string cap = capability_of(m.path);
    // Minting writes nothing.
    assert_int_equal(store.count(), 0);
    assert_false(store.lookup(cap, kNow).has_value());
    assert_true(store.publish(m.digest, kRoom, kNow, kNow + 3600));
    auto path = store.lookup(cap, kNow);
    assert_true(path.has_value());
    assert_string_equal(path->c_str(), (dir.path + "/" + kRoom + "/recording.mp4").c_str());
    assert_true(store.lookup(cap, kNow + 3599).has_value());
    assert_false(store.lookup(cap, kNow + 3600).has_value());
    // A wrong link, however close, opens nothing.
    std::string wrong = cap;
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    assert_false(store.lookup(wrong, kNow).has_value());
    assert_false(store.lookup(CapabilityStore::mint().path.substr(5), kNow).has_value());
    // The file gone: the link opens nothing either.
    ::unlink(path->c_str());
    assert_false(store.lookup(cap, kNow).has_value());
}

void only_the_hash_is_on_disk_owner_only(void**) {
    TempDir dir;
    CapabilityStore store(dir.path);
    std::string reason;
    assert_true(store.open(reason));
    const auto m = CapabilityStore::mint();
    const std::string cap = capability_of(m.path);
    assert_true(store.publish(m.digest, kRoom, kNow, kNow + 10));
    const std::vector<std::string> files = recording::private_fs::list_dir(dir.path + "/_links");
    assert_int_equal(files.size(), 1);
    assert_string_equal(files[0].c_str(), m.digest.c_str());
    const std::string file = dir.path + "/_links/" + files[0];
    assert_int_equal(mode_of(file), 0600);
    const std::string content = *recording::private_fs::read_small_file(file);
    assert_true(content.find(cap) == std::string::npos);
    assert_true(content.find(kRoom) != std::string::npos);
    assert_true(content.find("\"expires_at\":" + std::to_string(kNow + 10)) != std::string::npos);
}

void publish_refuses_bad_input(void**) {
    TempDir dir;
    CapabilityStore store(dir.path);
    std::string reason;
    assert_true(store.open(reason));
    const auto m = CapabilityStore::mint();
    assert_false(store.publish("../../etc/passwd", kRoom, kNow, kNow + 10));
    assert_false(store.publish(m.digest, "../other", kNow, kNow + 10));
    assert_false(store.publish(m.digest, kRoom, kNow, 0));
    assert_int_equal(store.count(), 0);
}

void forget_removes_only_that_rooms_links(void**) {
    TempDir dir;
    CapabilityStore store(dir.path);
    std::string reason;
    assert_true(store.open(reason));
    make_recording(dir.path, kRoom);
    make_recording(dir.path, "fedcba9876543210");
    const auto a1 = CapabilityStore::mint(), a2 = CapabilityStore::mint(), b = CapabilityStore::mint();
    store.publish(a1.digest, kRoom, kNow, kNow + 100);
    store.publish(a2.digest, kRoom, kNow, kNow + 100);
    store.publish(b.digest, "fedcba9876543210", kNow, kNow + 100);
    assert_int_equal(store.forget(kRoom), 2);
    assert_int_equal(store.count(), 1);
    assert_false(store.lookup(capability_of(a1.path), kNow).has_value());
    assert_true(store.lookup(capability_of(b.path), kNow).has_value());
}

void sweep_drops_expired_links_and_strays(void**) {
    TempDir dir;
    CapabilityStore store(dir.path);
    std::string reason;
    assert_true(store.open(reason));
    const auto old = CapabilityStore::mint(), fresh = CapabilityStore::mint();
    store.publish(old.digest, kRoom, kNow - 100, kNow - 1);
    store.publish(fresh.digest, kRoom, kNow, kNow + 100);
    recording::private_fs::write_private_file(dir.path + "/_links/stray.tmp123", "x");
    recording::private_fs::write_private_file(dir.path + "/_links/" + std::string(64, 'a'), "not json");
    assert_int_equal(store.sweep(kNow), 3);
    const std::vector<std::string> left = recording::private_fs::list_dir(dir.path + "/_links");
    assert_int_equal(left.size(), 1);
    assert_string_equal(left[0].c_str(), fresh.digest.c_str());
}

void a_tampered_link_file_cannot_leave_rec_dir(void**) {
    TempDir dir;
    CapabilityStore store(dir.path);
    std::string reason;
    assert_true(store.open(reason));
    const auto m = CapabilityStore::mint();
    recording::private_fs::write_private_file(dir.path + "/_links/" + m.digest,
                                   "{\"room\":\"../../etc\",\"granted_at\":1,\"expires_at\":9999999999}");
    assert_false(store.lookup(capability_of(m.path), kNow).has_value());
}

gid_t group_of(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_gid : static_cast<gid_t>(-1);
}

// rec_reader_group: the page server's group may enter the link folder (not list
// it) and read each link file; without a group both stay owner-only.
void a_reader_group_can_read_links_and_nothing_more(void**) {
    const struct group* nogroup = ::getgrnam("nogroup");
    const gid_t gid = nogroup ? nogroup->gr_gid : 65534;
    TempDir dir;
    CapabilityStore store(dir.path, static_cast<unsigned>(gid));
    std::string reason;
    assert_true(store.open(reason));
    assert_int_equal(mode_of(dir.path + "/_links"), 0710);
    assert_int_equal(group_of(dir.path + "/_links"), gid);
    const auto m = CapabilityStore::mint();
    assert_true(store.publish(m.digest, kRoom, kNow, kNow + 3600));
    assert_int_equal(mode_of(dir.path + "/_links/" + m.digest), 0640);
    assert_int_equal(group_of(dir.path + "/_links/" + m.digest), gid);
    // Opening again (the next start) keeps the group's access.
    CapabilityStore again(dir.path, static_cast<unsigned>(gid));
    assert_true(again.open(reason));
    assert_int_equal(mode_of(dir.path + "/_links"), 0710);
    // share_with_reader follows no symlink and changes nothing without a group.
    ::symlink((dir.path + "/_links").c_str(), (dir.path + "/link").c_str());
    assert_false(recording::private_fs::share_with_reader(dir.path + "/link", static_cast<unsigned>(gid)));
    assert_true(recording::private_fs::share_with_reader(dir.path + "/link", std::nullopt));

    TempDir plain;
    CapabilityStore owner_only(plain.path);
    assert_true(owner_only.open(reason));
    assert_true(owner_only.publish(m.digest, kRoom, kNow, kNow + 3600));
    assert_int_equal(mode_of(plain.path + "/_links"), 0700);
    assert_int_equal(mode_of(plain.path + "/_links/" + m.digest), 0600);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minted_links_are_128_bit_url_safe_and_distinct),
        cmocka_unit_test(the_digest_is_plain_sha256_hex),
        cmocka_unit_test(malformed_capabilities_are_refused_before_any_lookup),
        cmocka_unit_test(a_published_link_opens_its_recording_until_it_expires),
        cmocka_unit_test(only_the_hash_is_on_disk_owner_only),
        cmocka_unit_test(publish_refuses_bad_input),
        cmocka_unit_test(forget_removes_only_that_rooms_links),
        cmocka_unit_test(sweep_drops_expired_links_and_strays),
        cmocka_unit_test(a_tampered_link_file_cannot_leave_rec_dir),
        cmocka_unit_test(a_reader_group_can_read_links_and_nothing_more),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
