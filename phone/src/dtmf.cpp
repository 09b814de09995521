#include "dtmf.hpp"

#include <spandsp.h>

namespace counsel::phone {
namespace {

constexpr char kEventDigits[] = "0123456789*#ABCD";

}  // namespace

DtmfReceiver::DtmfReceiver() { inband_ = dtmf_rx_init(nullptr, &DtmfReceiver::on_tones, this); }

DtmfReceiver::~DtmfReceiver() {
    if (inband_) dtmf_rx_free(inband_);
}

void DtmfReceiver::on_event(const std::uint8_t* payload, std::size_t size, std::uint32_t timestamp) {
    if (size < 4) return;
    events_seen_ = true;
    // The first packet of a press is reported; later ones (same timestamp) are the same press.
    if (have_last_ && timestamp == last_timestamp_) return;
    have_last_ = true;
    last_timestamp_ = timestamp;
    if (payload[0] < 16) digits_.push_back(kEventDigits[payload[0]]);
}

void DtmfReceiver::on_audio(const std::int16_t* samples, std::size_t count) {
    if (events_seen_ || !inband_) return;
    dtmf_rx(inband_, samples, static_cast<int>(count));
}

void DtmfReceiver::on_tones(void* self, const char* digits, int len) {
    auto* me = static_cast<DtmfReceiver*>(self);
    if (me->events_seen_) return;
    me->digits_.append(digits, static_cast<std::size_t>(len));
}

std::string DtmfReceiver::take() {
    std::string out;
    out.swap(digits_);
    return out;
}

}  // namespace counsel::phone
