// libFuzzer target: the media layer's pure bookkeeping (plugin/media) driven
// by arbitrary operation sequences: the codec table built from a browser's
// rtpmap/fmtp lines, fmtp parsing, slot planning and the offer/answer state
// machine of one person. The bytes are read as (operation, argument) pairs.
//
// Checks: a plan keeps every agreed m-line at its index with its mid, mids
// stay unique, dead m-lines stay dead, receive slots carry only wanted
// sources of their kind; offers are made only when published, connected and
// idle; a payload type invented for an unoffered kind never collides with
// one the browser offered.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "media/codec_table.hpp"
#include "media/negotiation.hpp"
#include "media/slot_plan.hpp"

using namespace counsel::media;

namespace {

class Bytes {
public:
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return at_ >= size_; }
    std::uint8_t next() { return at_ < size_ ? data_[at_++] : 0; }
    std::string text(std::size_t max) {
        const std::size_t n = std::min<std::size_t>(next() % (max + 1), size_ - std::min(at_, size_));
        std::string out(reinterpret_cast<const char*>(data_ + at_), n);
        at_ += n;
        return out;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

const char* const kNames[] = {"opus", "vp8", "h264", "rtx", "red", "av1", ""};
const char* const kFmtps[] = {"", "minptime=10;useinbandfec=1", "packetization-mode=1;profile-level-id=42e01f",
                              "profile-level-id=640c1f;packetization-mode=1", "packetization-mode=0", "apt=96",
                              "PACKETIZATION-MODE=1", ";;=;"};

Kind media_kind(std::uint8_t b) { return b & 1 ? Kind::Video : Kind::Audio; }

std::vector<Slot> own_slots(Bytes& in) {
    std::vector<Slot> slots;
    const int n = in.next() % 4;
    for (int i = 0; i < n; ++i) {
        Slot s;
        s.mid = std::to_string(i);
        const std::uint8_t b = in.next();
        s.kind = b % 3 == 2 ? Kind::Data : media_kind(b);
        s.use = b & 8 ? Slot::Use::Dead : Slot::Use::Own;
        slots.push_back(s);
    }
    return slots;
}

std::vector<Wanted> wanted_list(Bytes& in) {
    std::vector<Wanted> wanted;
    const int n = in.next() % 7;
    for (int i = 0; i < n; ++i) {
        const std::uint8_t b = in.next();
        Wanted w;
        w.source = SourceKey{static_cast<counsel::HandleId>(b % 4 + 1), static_cast<std::uint32_t>((b >> 2) % 2),
                             (b >> 3) % 3};
        w.participant = b % 4 + 1;
        w.kind = media_kind(b >> 5);
        wanted.push_back(w);
    }
    return wanted;
}

void check_plan(const std::vector<Slot>& agreed, const std::vector<Slot>& plan, const std::vector<Wanted>& wanted) {
    if (plan.size() < agreed.size()) std::abort();
    std::set<std::string> mids;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (!mids.insert(plan[i].mid).second) std::abort();
        if (i < agreed.size()) {
            if (plan[i].mid != agreed[i].mid || plan[i].kind != agreed[i].kind) std::abort();
            if (agreed[i].use == Slot::Use::Dead && plan[i].use != Slot::Use::Dead) std::abort();
            if (agreed[i].use == Slot::Use::Own && plan[i].use != Slot::Use::Own) std::abort();
        }
        if (plan[i].use != Slot::Use::Receive) continue;
        bool found = false;
        for (const Wanted& w : wanted) found = found || (w.source == plan[i].source && w.kind == plan[i].kind);
        if (!found) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes in(data, size);
    CodecTable table;
    std::set<int> offered_pts;
    bool offered_kind[2] = {false, false};
    bool receiving = false;  // the offer's rtpmaps all come before the first stream offered back
    Negotiation negotiation;
    std::vector<Wanted> wanted;
    int steps = 0;
    while (!in.empty() && steps++ < 256) {
        switch (in.next() % 9) {
            case 0: {  // an rtpmap line of the browser's offer
                const std::uint8_t b = in.next();
                if (receiving) break;
                CodecEntry e{kNames[b % 7], in.next() % 128, kFmtps[(b >> 3) % 8]};
                const Kind kind = media_kind(b >> 6);
                offered_pts.insert(e.pt);
                offered_kind[kind == Kind::Video] = true;
                table.add(kind, e);
                break;
            }
            case 1: {  // a stream of someone else, offered to this person
                const std::uint8_t b = in.next();
                const Kind kind = media_kind(b);
                SlotCodec source{kNames[(b >> 1) % 7], 96 + (b >> 4), kFmtps[(b >> 1) % 8]};
                receiving = true;
                const auto got = table.for_receiving(kind, source);
                if (!got) break;
                if (got->pt < 0 || got->pt > 127 || got->name != source.name) {
                    if (source.name != "h264" || got->name != "h264") std::abort();
                }
                if (!offered_kind[kind == Kind::Video] && offered_pts.count(got->pt)) std::abort();
                break;
            }
            case 2: {  // choosing what the person publishes with
                std::vector<CodecEntry> offered;
                const int n = in.next() % 5;
                for (int i = 0; i < n; ++i) {
                    const std::uint8_t b = in.next();
                    offered.push_back(CodecEntry{kNames[b % 7], b % 128, kFmtps[(b >> 3) % 8]});
                }
                const auto audio = choose_audio_codec(offered);
                const auto video = choose_video_codec(offered, in.next() & 1);
                if (audio && audio->name != "opus") std::abort();
                if (video && video->name != "vp8" && !(video->name == "h264" && is_h264_mode1(*video))) std::abort();
                break;
            }
            case 3: {  // fmtp text from the wire
                const std::string fmtp = in.text(48);
                const std::string key = in.text(8);
                const std::string value = fmtp_value(fmtp, key);
                if (value.size() > fmtp.size()) std::abort();
                break;
            }
            case 4:
                negotiation.published(own_slots(in));
                break;
            case 5:
                negotiation.set_connected(in.next() & 1);
                break;
            case 6:
                wanted = wanted_list(in);
                negotiation.want(wanted);
                break;
            case 7: {
                const bool could = negotiation.is_published() && negotiation.connected() &&
                                   !negotiation.offer_in_flight();
                const std::vector<Slot> agreed = negotiation.agreed();
                const auto plan = negotiation.next_offer();
                if (plan && !could) std::abort();
                if (plan) {
                    check_plan(agreed, *plan, wanted);
                    if (negotiation.pending_size() != plan->size()) std::abort();
                }
                break;
            }
            default: {
                const std::uint8_t b = in.next();
                if (b & 0x80) {
                    negotiation.offer_failed();
                    if (negotiation.offer_in_flight()) std::abort();
                    break;
                }
                const bool in_flight = negotiation.offer_in_flight();
                const std::size_t n = negotiation.pending_size();
                std::vector<bool> accepted;
                for (std::size_t i = 0; i < n + (b & 1); ++i) accepted.push_back((in.next() & 3) != 0);
                if (negotiation.answered(accepted) != in_flight) std::abort();
                if (in_flight && negotiation.agreed().size() != n) std::abort();
                break;
            }
        }
    }
    return 0;
}
