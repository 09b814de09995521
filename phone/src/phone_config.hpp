// counsel-phone's settings (an INI file, conf/counsel-phone.conf.sample),
// each read and range-checked here once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "log.hpp"

namespace counsel::phone {

struct PhoneConfig {
    // [sip]
    std::string sip_listen = "sip:0.0.0.0:5060";
    std::vector<std::string> allowed_sources;  // empty: any source may call (not advisable)
    int max_calls = 20;
    // [media]
    std::string media_address;  // this machine's address the PBX sends RTP to
    int rtp_port_min = 40000;
    int rtp_port_max = 40999;
    // [janus]
    std::string janus_url = "http://127.0.0.1:8088/janus";
    std::string token_secret;  // read from token_secret_file; empty: Janus without token auth
    std::string service_key;   // read from service_key_file
    // [calls]
    std::string prompts_dir = "/usr/share/janus-counsel/phone/prompts";
    int digit_timeout_s = 10;
    log::Level log_level = log::Level::Info;
};

// The settings in `path`, or nullopt with `why` (a sentence naming the option; never a secret).
std::optional<PhoneConfig> load_config(const std::string& path, std::string& why);

}  // namespace counsel::phone
