// A string holding personal data (display name, label, title): its bytes are
// wiped when it is destroyed or cleared, so a purge leaves no copy behind in
// freed memory that the plugin owned.
#pragma once

#include <string>
#include <string_view>

namespace counsel {

class SecretString {
public:
    SecretString() = default;
    explicit SecretString(std::string_view text) : text_(text) {}
    SecretString(const SecretString&) = delete;
    SecretString& operator=(const SecretString&) = delete;
    SecretString(SecretString&& other) noexcept;
    SecretString& operator=(SecretString&& other) noexcept;
    ~SecretString() { wipe(); }

    std::string_view view() const { return text_; }
    bool empty() const { return text_.empty(); }
    void wipe();

private:
    std::string text_;
};

}  // namespace counsel
