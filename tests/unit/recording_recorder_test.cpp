// The recorder's bookkeeping without Janus and without finalization tools:
// nothing on disk before a consented span, private files for the span's
// members only, closing at the span's end, discard leaving nothing, crash
// leftovers classified at start, retention, and logs without links or ids.
#include <atomic>
#include <set>

#include "core/json.hpp"
#include "recording/recorder.hpp"
#include "recording/private_fs.hpp"
#include "support/fakes.hpp"
#include "support/recording_fakes.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::testing;
using namespace counsel::recording;

namespace {

constexpr std::int64_t kDayUs = 24LL * 3600 * 1'000'000;
const std::string kRoom = "0123456789abcdef";
constexpr std::uint64_t kAnna = 987654321, kBen = 555000777;

struct Rig {
    TempDir tmp;
    std::string rec;
    FileSinkFactory sinks;
    RecordingGateway gateway;
    std::atomic<std::int64_t> now_us{1'790'000'000LL * 1'000'000};
    std::atomic<std::int64_t> free_bytes{-1};  // what statvfs would say (-1: unknown)
    std::unique_ptr<Recorder> recorder;

    std::optional<unsigned> reader_group;

    explicit Rig(bool start = true, std::optional<unsigned> group = std::nullopt)
        : rec(tmp.path + "/rec"), reader_group(group) {
        if (start) boot();
    }
    void boot() {
        RecorderSettings s;
        s.rec_dir = rec;
        s.reader_group = reader_group;
        s.retention_days = 7;
        s.space_check_s = 1;
        s.free_bytes = [this](const std::string&) { return free_bytes.load(); };
        s.tools.pp_rec = s.tools.ffmpeg = s.tools.ffprobe = "/nonexistent/tool";
        recorder = std::make_unique<Recorder>(s, sinks, gateway, [this] { return now_us.load(); });
        std::string reason;
        assert_true(recorder->start(reason));
    }
    std::string dir() const { return rec + "/" + kRoom; }
    std::optional<FolderMarker> state() const {
        auto text = recording::private_fs::read_small_file(dir() + "/state.json");
        return text ? parse_state(*text) : std::nullopt;
    }
};

std::vector<MediaMember> members(std::initializer_list<std::uint64_t> ids) {
    std::vector<MediaMember> out;
    HandleId h = 1;
    for (std::uint64_t id : ids) out.push_back(MediaMember{h++, id, false, false});
    return out;
}

TrackSpec audio() { return TrackSpec{false, "opus", ""}; }
TrackSpec video() { return TrackSpec{true, "h264", "profile-level-id=42e01f;packetization-mode=1"}; }

void nothing_touches_the_disk_before_a_span(void**) {
    Rig r;
    const std::string link = r.recorder->grant_download(kRoom);
    assert_true(link.rfind("/rec/", 0) == 0);
    assert_int_equal(link.size(), 5 + 22);
    assert_null(r.recorder->track(kRoom, kAnna, 0, audio()).get());
    // Only the (empty) link folder exists.
    const auto all = tree(r.rec);
    assert_int_equal(all.size(), 1);
    assert_string_equal(all[0].c_str(), "_links");
    assert_int_equal(mode_of(r.rec), 0700);
    assert_true(r.sinks.opened.empty());
}

void a_span_writes_private_files_for_its_members_only(void**) {
    Rig r;
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    assert_true(r.recorder->recording(kRoom));
    assert_int_equal(mode_of(r.dir()), 0700);
    assert_int_equal(mode_of(r.dir() + "/state.json"), 0600);
    auto st = r.state();
    assert_true(st.has_value());
    assert_int_equal(static_cast<int>(st->state), static_cast<int>(FolderState::Recording));
    assert_int_equal(st->spans.size(), 1);
    assert_int_equal(st->spans[0].participants.size(), 2);
    assert_int_equal(st->spans[0].end_us, 0);

    auto a = r.recorder->track(kRoom, kAnna, 0, audio());
    auto v = r.recorder->track(kRoom, kAnna, 1, video());
    assert_non_null(a.get());
    assert_non_null(v.get());
    assert_true(a == r.recorder->track(kRoom, kAnna, 0, audio()));  // one file per track and span
    assert_null(r.recorder->track(kRoom, 42, 0, audio()).get());      // not in the span
    assert_null(r.recorder->track("fedcba9876543210", kAnna, 0, audio()).get());
    assert_int_equal(mode_of(r.dir() + "/s01-t01-audio.mjr"), 0600);
    assert_int_equal(mode_of(r.dir() + "/s01-t02-video.mjr"), 0600);
    st = r.state();
    assert_int_equal(st->spans[0].tracks.size(), 2);
    assert_string_equal(st->spans[0].tracks[1].codec.c_str(), "h264");
    assert_int_equal(st->spans[0].tracks[1].participant, kAnna);
    // Space kept aside for the marker, should the disk fill up.
    assert_int_equal(mode_of(r.dir() + "/reserve"), 0600);
    assert_int_equal(recording::private_fs::file_size(r.dir() + "/reserve"), 1 << 20);
}

void the_end_of_a_span_closes_every_file(void**) {
    Rig r;
    r.recorder->start_span(kRoom, members({kAnna}));
    auto a = r.recorder->track(kRoom, kAnna, 0, audio());
    char packet[20] = {static_cast<char>(0x80), 111};
    a->write(packet, sizeof packet);
    r.now_us += 5'000'000;
    r.recorder->end_span(kRoom);
    a->write(packet, sizeof packet);
    assert_int_equal(r.sinks.opened[0]->written, 1);
    assert_int_equal(r.sinks.opened[0]->dropped, 1);
    assert_true(r.sinks.opened[0]->closed);
    assert_false(r.recorder->recording(kRoom));
    assert_null(r.recorder->track(kRoom, kAnna, 0, audio()).get());
    auto st = r.state();
    assert_int_equal(static_cast<int>(st->state), static_cast<int>(FolderState::Paused));
    assert_int_equal(st->spans[0].end_us - st->spans[0].start_us, 5'000'000);

    // The next span gets files of its own.
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    auto b = r.recorder->track(kRoom, kBen, 0, audio());
    assert_non_null(b.get());
    assert_true(a != r.recorder->track(kRoom, kAnna, 0, audio()));
    assert_int_equal(mode_of(r.dir() + "/s02-t01-audio.mjr"), 0600);
    assert_int_equal(r.state()->spans.size(), 2);
}

void links_granted_during_a_recording_are_kept_in_its_marker_as_hashes(void**) {
    Rig r;
    const std::string before = r.recorder->grant_download(kRoom);
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    const std::string during = r.recorder->grant_download(kRoom);
    const std::string text = *recording::private_fs::read_small_file(r.dir() + "/state.json");
    assert_int_equal(r.state()->links.size(), 2);
    assert_true(text.find(before.substr(5)) == std::string::npos);
    assert_true(text.find(during.substr(5)) == std::string::npos);
    assert_true(text.find(recording::CapabilityStore::digest_hex(during.substr(5))) != std::string::npos);
    // Not usable before the recording is finished.
    assert_int_equal(r.recorder->links().count(), 0);
}

void discard_deletes_the_room_folder_at_once(void**) {
    Rig r;
    r.recorder->grant_download(kRoom);
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    auto a = r.recorder->track(kRoom, kAnna, 0, audio());
    auto v = r.recorder->track(kRoom, kBen, 1, video());
    char packet[20] = {static_cast<char>(0x80), 96};
    v->write(packet, sizeof packet);
    r.recorder->discard(kRoom);
    // Nothing of the room remains: no folder, no trash, no link.
    const auto all = tree(r.rec);
    assert_int_equal(all.size(), 1);
    assert_string_equal(all[0].c_str(), "_links");
    assert_false(r.recorder->recording(kRoom));
    // Packets still in flight are dropped.
    v->write(packet, sizeof packet);
    assert_int_equal(r.sinks.opened[1]->written, 1);
    assert_int_equal(r.recorder->stats().discarded, 1);
    // A later finalize of the same room finds nothing to finalize.
    r.recorder->finalize(kRoom, Json::object());
    assert_int_equal(tree(r.rec).size(), 1);
}

void logs_carry_room_refs_and_counts_only(void**) {
    Rig r;
    const std::string link1 = r.recorder->grant_download(kRoom);
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    r.recorder->track(kRoom, kAnna, 0, audio());
    const std::string link2 = r.recorder->grant_download(kRoom);
    r.recorder->end_span(kRoom);
    r.recorder->discard(kRoom);
    assert_true(r.recorder->wait_idle(10000));  // its jobs log too (the start-up sweep)
    assert_false(r.gateway.logs.empty());
    for (const std::string& line : r.gateway.logs) {
        assert_true(line.find(link1.substr(5)) == std::string::npos);
        assert_true(line.find(link2.substr(5)) == std::string::npos);
        assert_true(line.find(std::to_string(kAnna)) == std::string::npos);
        assert_true(line.find(std::to_string(kBen)) == std::string::npos);
        assert_true(line.find(r.rec) == std::string::npos);  // no paths
    }
}

void a_failing_disk_records_nothing(void**) {
    Rig r;
    r.sinks.fail = true;
    r.recorder->start_span(kRoom, members({kAnna}));
    assert_null(r.recorder->track(kRoom, kAnna, 0, audio()).get());
}

void the_start_classifies_what_a_crash_left(void**) {
    Rig r(false);
    std::string reason;
    assert_true(recording::private_fs::make_private_dir(r.rec, reason));
    auto folder = [&](const std::string& name) {
        assert_true(recording::private_fs::make_private_dir(r.rec + "/" + name, reason));
        return r.rec + "/" + name;
    };
    // A discard that a crash interrupted.
    recording::private_fs::write_private_file(folder(".trash-aaaaaaaaaaaaaaaa-1-0") + "/s01-t01-audio.mjr", "x");
    // Media without a marker: nothing shows it was consented.
    recording::private_fs::write_private_file(folder("1111111111111111") + "/s01-t01-audio.mjr", "x");
    // A consented span running when Janus died.
    FolderMarker live;
    live.room = "2222222222222222";
    live.state = FolderState::Recording;
    live.spans.push_back(SpanRecord{r.now_us - 60'000'000, 0, {kAnna, kBen}, {}, {}});
    recording::private_fs::write_private_file(folder(live.room) + "/state.json", render_state(live));
    // A finished recording with a leftover track file.
    FolderMarker done;
    done.room = "3333333333333333";
    done.state = FolderState::Done;
    done.finalized_at_us = r.now_us - kDayUs;
    done.spans.push_back(SpanRecord{r.now_us - 2 * kDayUs, r.now_us - 2 * kDayUs + 1'000'000, {kAnna}, {}, {}});
    recording::private_fs::write_private_file(folder(done.room) + "/state.json", render_state(done));
    recording::private_fs::write_private_file(r.rec + "/" + done.room + "/recording.mp4", "mp4");
    recording::private_fs::write_private_file(r.rec + "/" + done.room + "/s01-t01-audio.mjr", "x");
    // "Done" without its file, and a stray file.
    FolderMarker lost = done;
    lost.room = "4444444444444444";
    recording::private_fs::write_private_file(folder(lost.room) + "/state.json", render_state(lost));
    recording::private_fs::write_private_file(r.rec + "/stray.txt", "x");

    r.boot();
    assert_true(r.recorder->wait_idle(10000));
    const RecorderStats s = r.recorder->stats();
    assert_int_equal(s.deleted_at_start, 4);
    assert_int_equal(s.recovered, 1);
    assert_int_equal(s.finalize_failed, 1);  // the tools are missing in this test
    std::set<std::string> left;
    for (const std::string& p : tree(r.rec)) left.insert(p);
    assert_true(left.count("2222222222222222/state.json"));
    assert_true(left.count("3333333333333333/recording.mp4"));
    assert_false(left.count("3333333333333333/s01-t01-audio.mjr"));
    assert_false(left.count("1111111111111111"));
    assert_false(left.count("4444444444444444"));
    assert_false(left.count("stray.txt"));
    assert_false(left.count(".trash-aaaaaaaaaaaaaaaa-1-0"));
    // The interrupted span is marked as recovered after a crash.
    auto text = recording::private_fs::read_small_file(r.rec + "/2222222222222222/state.json");
    auto recovered = parse_state(*text);
    assert_true(recovered->recovered);
    assert_int_equal(static_cast<int>(recovered->state), static_cast<int>(FolderState::Finalizing));
}

void classify_table(void**) {
    FolderMarker s;
    s.room = "2222222222222222";
    auto with = [&](FolderState st, bool span) {
        FolderMarker c = s;
        c.state = st;
        if (span) c.spans.push_back(SpanRecord{1, 2, {}, {}, {}});
        return std::optional<FolderMarker>(c);
    };
    const std::string room = s.room;
    assert_int_equal(static_cast<int>(classify("_links", true, std::nullopt, false).action),
                     static_cast<int>(Recovery::Ignore));
    assert_int_equal(static_cast<int>(classify(".trash-x", true, std::nullopt, false).action),
                     static_cast<int>(Recovery::Delete));
    assert_int_equal(static_cast<int>(classify(room, true, std::nullopt, false).action),
                     static_cast<int>(Recovery::Delete));
    assert_int_equal(static_cast<int>(classify(room, false, std::nullopt, false).action),
                     static_cast<int>(Recovery::Delete));
    assert_int_equal(static_cast<int>(classify("3333333333333333", true, with(FolderState::Recording, true), false).action),
                     static_cast<int>(Recovery::Delete));  // someone else's marker
    assert_int_equal(static_cast<int>(classify(room, true, with(FolderState::Recording, true), false).action),
                     static_cast<int>(Recovery::Finalize));
    assert_int_equal(static_cast<int>(classify(room, true, with(FolderState::Paused, true), false).action),
                     static_cast<int>(Recovery::Finalize));
    assert_int_equal(static_cast<int>(classify(room, true, with(FolderState::Finalizing, true), false).action),
                     static_cast<int>(Recovery::Finalize));
    assert_int_equal(static_cast<int>(classify(room, true, with(FolderState::Finalizing, true), true).action),
                     static_cast<int>(Recovery::Finalize));
    assert_int_equal(static_cast<int>(classify(room, true, with(FolderState::Recording, false), false).action),
                     static_cast<int>(Recovery::Delete));
    assert_int_equal(static_cast<int>(classify(room, true, with(FolderState::Done, true), true).action),
                     static_cast<int>(Recovery::Keep));
    assert_int_equal(static_cast<int>(classify(room, true, with(FolderState::Done, true), false).action),
                     static_cast<int>(Recovery::Delete));
}

void markers_reject_what_could_escape_the_folder(void**) {
    FolderMarker s;
    s.room = kRoom;
    s.spans.push_back(SpanRecord{10, 20, {kAnna}, {TrackRecord{"s01-t01-audio.mjr", kAnna, 0, false, "opus"}}, {}});
    s.links.push_back(LinkRecord{std::string(64, 'a'), 5});
    auto back = parse_state(render_state(s));
    assert_true(back.has_value());
    assert_string_equal(back->spans[0].tracks[0].file.c_str(), "s01-t01-audio.mjr");
    assert_int_equal(back->links[0].granted_at_s, 5);
    std::string bad = render_state(s);
    bad.replace(bad.find("s01-t01-audio.mjr"), 17, "../../../etc/pass");
    assert_false(parse_state(bad).has_value());
    std::string bad_room = render_state(s);
    bad_room.replace(bad_room.find(kRoom), kRoom.size(), "../x");
    assert_false(parse_state(bad_room).has_value());
    assert_false(parse_state("{}").has_value());
    assert_false(parse_state("not json").has_value());
}

void retention_deletes_finished_recordings_and_their_links(void**) {
    Rig r(false);
    std::string reason;
    assert_true(recording::private_fs::make_private_dir(r.rec, reason));
    auto finished = [&](const std::string& room, std::int64_t finalized_at_us) {
        FolderMarker st;
        st.room = room;
        st.state = FolderState::Done;
        st.finalized_at_us = finalized_at_us;
        st.spans.push_back(SpanRecord{finalized_at_us - 10'000'000, finalized_at_us - 5'000'000, {kAnna}, {}, {}});
        assert_true(recording::private_fs::make_private_dir(r.rec + "/" + room, reason));
        recording::private_fs::write_private_file(r.rec + "/" + room + "/state.json", render_state(st));
        recording::private_fs::write_private_file(r.rec + "/" + room + "/recording.mp4", "mp4");
    };
    finished("5555555555555555", r.now_us - 6 * kDayUs);
    finished("6666666666666666", r.now_us - 6 * kDayUs - kDayUs / 2);
    r.boot();
    auto link_old = recording::CapabilityStore::mint(), link_new = recording::CapabilityStore::mint();
    const std::int64_t now_s = r.now_us / 1'000'000;
    r.recorder->links().publish(link_old.digest, "6666666666666666", now_s, now_s + kDayUs / 2'000'000);
    r.recorder->links().publish(link_new.digest, "5555555555555555", now_s, now_s + kDayUs / 1'000'000);
    assert_true(r.recorder->wait_idle(10000));
    assert_true(recording::private_fs::exists(r.rec + "/6666666666666666"));
    // Seven days after finalization, the older one goes, with its link.
    r.now_us += kDayUs / 2 + 1;
    r.recorder->sweep_now();
    assert_true(r.recorder->wait_idle(10000));
    assert_false(recording::private_fs::exists(r.rec + "/6666666666666666"));
    assert_true(recording::private_fs::exists(r.rec + "/5555555555555555/recording.mp4"));
    assert_false(r.recorder->links().lookup(link_old.path.substr(5), r.now_us / 1'000'000).has_value());
    assert_true(r.recorder->links().lookup(link_new.path.substr(5), r.now_us / 1'000'000).has_value());
    assert_int_equal(r.recorder->stats().expired, 1);
    r.now_us += kDayUs;
    r.recorder->sweep_now();
    assert_true(r.recorder->wait_idle(10000));
    assert_false(recording::private_fs::exists(r.rec + "/5555555555555555"));
    assert_int_equal(r.recorder->links().count(), 0);
}

void stop_closes_open_files(void**) {
    Rig r;
    r.recorder->start_span(kRoom, members({kAnna}));
    r.recorder->track(kRoom, kAnna, 0, audio());
    r.recorder->stop();
    assert_true(r.sinks.opened[0]->closed);
    // What was consented stays for the next start to finalize.
    assert_true(r.state().has_value());
}

// rec_reader_group: the page server's group may enter rec_dir and the room
// folder (to open a finished recording); the marker and track files stay
// owner-only.
void a_reader_group_enters_folders_but_reads_no_track_or_marker(void**) {
    Rig r(true, 65534u);
    assert_int_equal(mode_of(r.rec), 0710);
    assert_int_equal(mode_of(r.rec + "/_links"), 0710);
    r.recorder->start_span(kRoom, members({kAnna}));
    auto sink = r.recorder->track(kRoom, kAnna, 0, audio());
    assert_non_null(sink.get());
    assert_int_equal(mode_of(r.dir()), 0710);
    assert_int_equal(mode_of(r.dir() + "/state.json"), 0600);
    struct stat st {};
    assert_int_equal(::lstat(r.dir().c_str(), &st), 0);
    assert_int_equal(st.st_gid, 65534);
    r.recorder->end_span(kRoom);
}

char g_packet[20] = {static_cast<char>(0x80), 111};

void a_write_failure_stops_the_whole_span_at_once_and_is_told_once(void**) {
    Rig r;
    r.free_bytes = 4096;  // the disk is full
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    const std::int64_t t0 = r.now_us;
    auto a = r.recorder->track(kRoom, kAnna, 0, audio());
    auto b = r.recorder->track(kRoom, kBen, 0, audio());
    assert_true(a->write(g_packet, sizeof g_packet));
    assert_true(b->write(g_packet, sizeof g_packet));
    assert_true(r.recorder->take_failures().empty());
    r.now_us += 3'000'000;
    r.sinks.opened[0]->fail_writes = true;
    assert_false(a->write(g_packet, sizeof g_packet));
    // The other track of the span stops at once too, although its own file could still be written.
    assert_false(b->write(g_packet, sizeof g_packet));
    assert_int_equal(r.sinks.opened[1]->written, 1);
    assert_false(b->wants_keyframe(r.now_us));
    const auto failures = r.recorder->take_failures();
    assert_int_equal(failures.size(), 1);
    assert_string_equal(failures[0].room_ref.c_str(), kRoom.c_str());
    assert_string_equal(failures[0].reason.c_str(), "disk_full");
    assert_true(r.recorder->take_failures().empty());
    assert_int_equal(r.recorder->stats().write_failures, 1);
    // The core ends the span a moment later; it ends where the writing stopped.
    r.now_us += 2'000'000;
    r.recorder->end_span(kRoom);
    auto st = r.state();
    assert_int_equal(st->spans[0].end_us - t0, 3'000'000);
    assert_string_equal(st->spans[0].failure.c_str(), "disk_full");
    assert_true(r.sinks.opened[0]->closed && r.sinks.opened[1]->closed);
    assert_true(r.recorder->take_failures().empty());
    assert_int_equal(r.recorder->stats().write_failures, 1);
    // The next span starts healthy.
    r.free_bytes = -1;
    r.recorder->start_span(kRoom, members({kAnna}));
    auto a2 = r.recorder->track(kRoom, kAnna, 0, audio());
    assert_true(a2->write(g_packet, sizeof g_packet));
    assert_true(r.state()->spans[1].failure.empty());
    assert_true(r.recorder->wait_idle(10000));  // its jobs log too
    for (const std::string& line : r.gateway.logs) assert_true(line.find(std::to_string(kAnna)) == std::string::npos);
}

void a_failure_with_room_on_disk_is_a_write_error_and_a_pause_does_not_lose_it(void**) {
    Rig r;
    r.free_bytes = 10LL << 30;
    r.recorder->start_span(kRoom, members({kAnna}));
    auto a = r.recorder->track(kRoom, kAnna, 0, audio());
    r.sinks.opened[0]->fail_writes = true;
    a->write(g_packet, sizeof g_packet);
    // The span ends (someone was admitted) before the room thread's next tick.
    r.recorder->end_span(kRoom);
    const auto failures = r.recorder->take_failures();
    assert_int_equal(failures.size(), 1);
    assert_string_equal(failures[0].reason.c_str(), "write_error");
    assert_string_equal(r.state()->spans[0].failure.c_str(), "write_error");
}

void a_span_that_cannot_start_is_told_as_a_failure(void**) {
    Rig r;
    r.free_bytes = 0;
    // The start's sweep first: it would delete the stray file below as an expired room.
    assert_true(r.recorder->wait_idle(10000));
    // Something that is not a folder where the room folder must go.
    std::string reason;
    assert_true(recording::private_fs::write_private_file(r.dir(), "x"));
    r.recorder->start_span(kRoom, members({kAnna}));
    assert_false(r.recorder->recording(kRoom));
    const auto failures = r.recorder->take_failures();
    assert_int_equal(failures.size(), 1);
    assert_string_equal(failures[0].reason.c_str(), "disk_full");
}

Json consent_metadata(std::initializer_list<const char*> events) {
    Json log = Json::array();
    std::int64_t at = 1000;
    for (const char* e : events)
        log.append(Json::object().set("at_ms", at++).set("event", e).set("participant", kAnna));
    return Json::object().set("room", kRoom).set("consent_log", std::move(log));
}

void the_consent_log_is_kept_in_the_marker_as_it_grows(void**) {
    Rig r;
    r.recorder->consent_logged(kRoom, consent_metadata({"request"}));
    r.recorder->consent_logged(kRoom, consent_metadata({"request", "yes"}));
    // Before a span: nothing on disk.
    assert_int_equal(tree(r.rec).size(), 1);
    r.recorder->consent_logged(kRoom, consent_metadata({"request", "yes", "start"}));
    r.recorder->start_span(kRoom, members({kAnna}));
    assert_int_equal(r.state()->consent_log.size(), 3);
    assert_string_equal(r.state()->consent_log[2].event.c_str(), "start");
    assert_int_equal(r.state()->consent_log[1].participant, kAnna);
    r.recorder->consent_logged(kRoom, consent_metadata({"request", "yes", "start", "admitted", "pause"}));
    assert_int_equal(r.state()->consent_log.size(), 5);
    // Malformed logs are ignored, never half taken.
    r.recorder->consent_logged(kRoom, Json::object().set("consent_log", "x"));
    r.recorder->consent_logged(
        kRoom, Json::object().set("consent_log", Json::array().append(Json::object().set("event", "Anna"))));
    assert_int_equal(r.state()->consent_log.size(), 5);
    r.recorder->end_span(kRoom);
    // The end: the final log in the marker (no separate file), and the session's end time.
    r.now_us += 1'000'000;
    r.recorder->finalize(kRoom, consent_metadata({"request", "yes", "start", "admitted", "pause", "stop"}));
    assert_true(r.recorder->wait_idle(10000));
    auto st = r.state();
    assert_int_equal(st->consent_log.size(), 6);
    assert_int_equal(st->ended_at_us, r.now_us.load());
    assert_false(recording::private_fs::exists(r.dir() + "/consent.json"));
    // The tools are missing here: a failed finalization keeps the log and says why it failed.
    assert_int_equal(static_cast<int>(st->state), static_cast<int>(FolderState::Finalizing));
    assert_int_equal(st->finalize_failures, 1);
    assert_string_equal(st->finalize_failure.c_str(), "finalize_error");
    assert_false(st->recovered);
    // And a restart finds it as the session left it: not "recovered after a crash".
    r.recorder->stop();
    r.boot();
    assert_true(r.recorder->wait_idle(10000));
    st = r.state();
    assert_false(st->recovered);
    assert_int_equal(st->consent_log.size(), 6);
    assert_int_equal(st->finalize_failures, 2);
}

void a_finalization_without_space_waits_for_it_and_is_deleted_after_retention(void**) {
    Rig r;
    r.recorder->start_span(kRoom, members({kAnna}));
    auto a = r.recorder->track(kRoom, kAnna, 0, audio());
    a->write(g_packet, sizeof g_packet);
    const std::string link = r.recorder->grant_download(kRoom);
    r.free_bytes = 1 << 20;  // less than the tools need
    r.recorder->finalize(kRoom, consent_metadata({"request", "yes", "start"}));
    assert_true(r.recorder->wait_idle(10000));
    RecorderStats s = r.recorder->stats();
    assert_int_equal(s.finalize_failed, 1);
    assert_int_equal(s.finalize_waiting, 1);
    assert_string_equal(r.state()->finalize_failure.c_str(), "no_space");
    // No tool ran for it (the log says why), and the link leads nowhere yet.
    bool told = false;
    for (const std::string& line : r.gateway.logs)
        told = told || line.find("not enough free space") != std::string::npos;
    assert_true(told);
    assert_false(r.recorder->links().lookup(link.substr(5), r.now_us / 1'000'000).has_value());
    // Still no room: the worker looks (every space_check_s) and waits on.
    r.now_us += 2'000'000;
    ::usleep(1'500'000);
    assert_true(r.recorder->wait_idle(10000));
    assert_int_equal(r.recorder->stats().finalize_retried, 0);
    // Space is back: tried again without a restart (here it fails for want of the tools).
    r.free_bytes = 10LL << 30;
    r.now_us += 2'000'000;
    for (int i = 0; i < 100 && r.recorder->stats().finalize_retried == 0; ++i) ::usleep(100'000);
    assert_true(r.recorder->wait_idle(10000));
    s = r.recorder->stats();
    assert_int_equal(s.finalize_retried, 1);
    assert_int_equal(s.finalize_failed, 2);
    assert_int_equal(s.finalize_waiting, 1);
    assert_string_equal(r.state()->finalize_failure.c_str(), "finalize_error");
    // The hourly sweep tries it again, not right away.
    r.recorder->sweep_now();
    assert_true(r.recorder->wait_idle(10000));
    assert_int_equal(r.recorder->stats().finalize_retried, 1);
    r.now_us += 3600LL * 1'000'000;
    r.recorder->sweep_now();
    assert_true(r.recorder->wait_idle(10000));
    assert_int_equal(r.recorder->stats().finalize_retried, 2);
    // Retention counts from the end of the session, not from the last attempt.
    r.now_us += 7 * kDayUs - 3600LL * 1'000'000;
    r.recorder->sweep_now();
    assert_true(r.recorder->wait_idle(10000));
    assert_false(recording::private_fs::exists(r.dir()));
    s = r.recorder->stats();
    assert_int_equal(s.finalize_waiting, 0);
    assert_int_equal(s.expired, 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_touches_the_disk_before_a_span),
        cmocka_unit_test(a_span_writes_private_files_for_its_members_only),
        cmocka_unit_test(the_end_of_a_span_closes_every_file),
        cmocka_unit_test(links_granted_during_a_recording_are_kept_in_its_marker_as_hashes),
        cmocka_unit_test(discard_deletes_the_room_folder_at_once),
        cmocka_unit_test(logs_carry_room_refs_and_counts_only),
        cmocka_unit_test(a_failing_disk_records_nothing),
        cmocka_unit_test(the_start_classifies_what_a_crash_left),
        cmocka_unit_test(classify_table),
        cmocka_unit_test(markers_reject_what_could_escape_the_folder),
        cmocka_unit_test(retention_deletes_finished_recordings_and_their_links),
        cmocka_unit_test(stop_closes_open_files),
        cmocka_unit_test(a_reader_group_enters_folders_but_reads_no_track_or_marker),
        cmocka_unit_test(a_write_failure_stops_the_whole_span_at_once_and_is_told_once),
        cmocka_unit_test(a_failure_with_room_on_disk_is_a_write_error_and_a_pause_does_not_lose_it),
        cmocka_unit_test(a_span_that_cannot_start_is_told_as_a_failure),
        cmocka_unit_test(the_consent_log_is_kept_in_the_marker_as_it_grows),
        cmocka_unit_test(a_finalization_without_space_waits_for_it_and_is_deleted_after_retention),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
