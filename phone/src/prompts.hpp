// The spoken prompts (phone/prompts/prompts.tsv, made at build time): loaded
// once at start, played 20 ms at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace counsel::phone {

enum class Prompt {
    Welcome, EnterPin, Invalid, TooMany, NoInput, Waiting, PleaseWait, Admitted, Denied, Removed, Ended,
    LobbyTimeout, Locked, InUse, Full, Unavailable, Consent, ConsentYes, ConsentNo, RecordingOn, RecordingOff,
    Muted, Unmuted,
};

const char* prompt_name(Prompt prompt);

using Samples = std::vector<std::int16_t>;  // 8 kHz mono

class PromptLibrary {
public:
    // Every prompt from <dir>/<name>.s16, or nullopt with `why` (a missing or empty file).
    static std::optional<PromptLibrary> load(const std::string& dir, std::string& why);
    // For tests: prompts given directly.
    explicit PromptLibrary(std::map<Prompt, std::shared_ptr<const Samples>> prompts) : prompts_(std::move(prompts)) {}

    std::shared_ptr<const Samples> get(Prompt prompt) const;

private:
    std::map<Prompt, std::shared_ptr<const Samples>> prompts_;
};

// Plays one prompt at a time; a new one replaces what is playing.
class PromptPlayer {
public:
    void play(std::shared_ptr<const Samples> samples) {
        current_ = std::move(samples);
        at_ = 0;
    }
    void stop() { current_.reset(); }
    bool playing() const { return current_ != nullptr; }
    // Adds the next `count` samples of the prompt to `out` (nothing when idle);
    // returns true when the prompt ended within them.
    bool add_to(std::int32_t* out, std::size_t count);

private:
    std::shared_ptr<const Samples> current_;
    std::size_t at_ = 0;
};

}  // namespace counsel::phone
