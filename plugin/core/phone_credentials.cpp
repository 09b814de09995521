#include "core/phone_credentials.hpp"

#include <sodium.h>

namespace counsel {

std::string random_digits(std::size_t count) {
    std::string out(count, '0');
    for (char& c : out) c = static_cast<char>('0' + randombytes_uniform(10));
    return out;
}

bool looks_like_digits(std::string_view text, std::size_t count) {
    if (text.size() != count) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string pin_hash_input(std::string_view pin) { return "pin:" + std::string(pin); }

}  // namespace counsel
