#include "core/secret_string.hpp"

#include <sodium.h>

#include <utility>

namespace counsel {

SecretString::SecretString(SecretString&& other) noexcept {
    // Copy then wipe the source: moving a short string copies its SSO buffer,
    // which would otherwise keep the text alive in the moved-from object.
    text_ = other.text_;
    other.wipe();
}

SecretString& SecretString::operator=(SecretString&& other) noexcept {
    if (this != &other) {
        wipe();
        text_ = other.text_;
        other.wipe();
    }
    return *this;
}

void SecretString::wipe() {
    if (text_.capacity() > 0) sodium_memzero(text_.data(), text_.capacity());
    text_.clear();
    text_.shrink_to_fit();
}

}  // namespace counsel
