// Keypad digits from a caller, both ways a phone line sends them:
// RFC 4733 telephone-events (what PBXs and SIP trunks send by default) and
// in-band tones in the audio (spandsp's detector), for lines that do not
// negotiate telephone-event. Once a line has sent one telephone-event, its
// audio is no longer searched for tones (the same key is not counted twice).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

struct dtmf_rx_state_s;

namespace counsel::phone {

class DtmfReceiver {
public:
    DtmfReceiver();
    ~DtmfReceiver();
    DtmfReceiver(const DtmfReceiver&) = delete;
    DtmfReceiver& operator=(const DtmfReceiver&) = delete;

    // The payload of one telephone-event packet and its RTP timestamp (one
    // key press keeps one timestamp, its retransmitted end packets too).
    void on_event(const std::uint8_t* payload, std::size_t size, std::uint32_t timestamp);
    // Decoded audio at 8 kHz.
    void on_audio(const std::int16_t* samples, std::size_t count);
    // Digits received since the last call ('0'-'9', '*', '#', 'A'-'D').
    std::string take();

private:
    static void on_tones(void* self, const char* digits, int len);
    dtmf_rx_state_s* inband_ = nullptr;
    bool events_seen_ = false;
    bool have_last_ = false;
    std::uint32_t last_timestamp_ = 0;
    std::string digits_;
};

}  // namespace counsel::phone
