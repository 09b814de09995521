// One call's audio, every 20 ms on counsel-phone's loop thread:
//   line  (the caller's RTP, G.711 + telephone-event)  <-> this
//   room  (the plugin's plain RTP on 127.0.0.1, Opus)   <-> this
// In: the caller's G.711 is decoded, searched for keypad tones, and (once
// bridged) encoded as Opus for the room. Out: the prompt, if one plays, plus
// (once bridged) everyone else in the room, mixed, encoded as G.711.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <string>

#include "conference_mix.hpp"
#include "dtmf.hpp"
#include "prompts.hpp"
#include "rtp.hpp"
#include "sdp_media.hpp"
#include "voice_encoder.hpp"

namespace counsel::phone {

// The plugin's payload type for Opus on the room link (plugin/media/phone_link.hpp).
constexpr int kRoomOpusPt = 111;

struct MediaCounts {
    std::uint64_t line_in = 0, line_out = 0, room_in = 0, room_out = 0;
};

class CallMedia {
public:
    // A socket for the caller's RTP on `line_ip` (an even port from the range)
    // and one on 127.0.0.1 for the plugin; null with `why` set.
    static std::unique_ptr<CallMedia> open(const std::string& line_ip, int port_min, int port_max, std::string& why);
    ~CallMedia();
    CallMedia(const CallMedia&) = delete;
    CallMedia& operator=(const CallMedia&) = delete;

    int line_port() const { return line_port_; }
    int room_port() const { return room_port_; }
    // Where the caller's side wants RTP, and with which codec (from the SDP offer).
    void set_line(const LineMedia& line);
    // From now on the caller's voice goes to 127.0.0.1:`plugin_port` and the room comes from there.
    void connect_room(int plugin_port);

    void play(std::shared_ptr<const Samples> prompt) { prompts_.play(std::move(prompt)); }
    void stop_prompt() { prompts_.stop(); }

    struct Tick {
        std::string digits;       // keys pressed since the last tick
        bool prompt_ended = false;
    };
    // Reads what arrived on both sockets, sends the next 20 ms to the caller.
    Tick tick();
    const MediaCounts& counts() const { return counts_; }
    const ConferenceMix::Counts& mix_counts() const { return mix_.counts(); }

private:
    CallMedia(int line_fd, int line_port, int room_fd, int room_port);
    void read_line();
    void read_room();

    const int line_fd_;
    const int line_port_;
    const int room_fd_;
    const int room_port_;
    bool have_line_ = false;
    sockaddr_in line_to_{};
    LineMedia line_;
    bool bridged_ = false;
    RtpSender line_sender_{kG711AlawPt, 160};
    RtpSender room_sender_{kRoomOpusPt, VoiceEncoder::kTicksPerFrame};
    DtmfReceiver dtmf_;
    VoiceEncoder encoder_;
    ConferenceMix mix_;
    PromptPlayer prompts_;
    MediaCounts counts_;
};

}  // namespace counsel::phone
