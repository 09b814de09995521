#include "prompts.hpp"

#include <fstream>
#include <iterator>

namespace counsel::phone {
namespace {

constexpr Prompt kAll[] = {
    Prompt::Welcome, Prompt::EnterPin, Prompt::Invalid, Prompt::TooMany, Prompt::NoInput, Prompt::Waiting,
    Prompt::PleaseWait, Prompt::Admitted, Prompt::Denied, Prompt::Removed, Prompt::Ended, Prompt::LobbyTimeout,
    Prompt::Locked, Prompt::InUse, Prompt::Full, Prompt::Unavailable, Prompt::Consent, Prompt::ConsentYes,
    Prompt::ConsentNo, Prompt::RecordingOn, Prompt::RecordingOff, Prompt::Muted, Prompt::Unmuted,
};

}  // namespace

const char* prompt_name(Prompt prompt) {
    switch (prompt) {
        case Prompt::Welcome: return "welcome";
        case Prompt::EnterPin: return "enter_pin";
        case Prompt::Invalid: return "invalid";
        case Prompt::TooMany: return "too_many";
        case Prompt::NoInput: return "no_input";
        case Prompt::Waiting: return "waiting";
        case Prompt::PleaseWait: return "please_wait";
        case Prompt::Admitted: return "admitted";
        case Prompt::Denied: return "denied";
        case Prompt::Removed: return "removed";
        case Prompt::Ended: return "ended";
        case Prompt::LobbyTimeout: return "lobby_timeout";
        case Prompt::Locked: return "locked";
        case Prompt::InUse: return "in_use";
        case Prompt::Full: return "full";
        case Prompt::Unavailable: return "unavailable";
        case Prompt::Consent: return "consent";
        case Prompt::ConsentYes: return "consent_yes";
        case Prompt::ConsentNo: return "consent_no";
        case Prompt::RecordingOn: return "recording_on";
        case Prompt::RecordingOff: return "recording_off";
        case Prompt::Muted: return "muted";
        case Prompt::Unmuted: return "unmuted";
    }
    return "";
}

std::optional<PromptLibrary> PromptLibrary::load(const std::string& dir, std::string& why) {
    std::map<Prompt, std::shared_ptr<const Samples>> prompts;
    for (Prompt p : kAll) {
        const std::string path = dir + "/" + prompt_name(p) + ".s16";
        std::ifstream in(path, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.is_open() || bytes.size() < 2) {
            why = "prompt missing or empty: " + path;
            return std::nullopt;
        }
        auto samples = std::make_shared<Samples>(bytes.size() / 2);
        for (std::size_t i = 0; i < samples->size(); ++i)
            (*samples)[i] = static_cast<std::int16_t>(static_cast<unsigned char>(bytes[2 * i]) |
                                                      static_cast<unsigned char>(bytes[2 * i + 1]) << 8);
        prompts.emplace(p, std::move(samples));
    }
    return PromptLibrary(std::move(prompts));
}

std::shared_ptr<const Samples> PromptLibrary::get(Prompt prompt) const {
    auto it = prompts_.find(prompt);
    return it == prompts_.end() ? nullptr : it->second;
}

bool PromptPlayer::add_to(std::int32_t* out, std::size_t count) {
    if (!current_) return false;
    const std::size_t n = std::min(count, current_->size() - at_);
    for (std::size_t i = 0; i < n; ++i) out[i] += (*current_)[at_ + i];
    at_ += n;
    if (at_ < current_->size()) return false;
    current_.reset();
    return true;
}

}  // namespace counsel::phone
