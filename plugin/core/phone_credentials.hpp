// Phone dial-in credentials: a room number per room and a personal PIN per
// invitee, digits only (a keypad is all a caller has). The PIN is the secret;
// the room number only says which room's PINs to compare. A PIN has a
// personal link's limits (its call's bucket, no room's), so its length alone
// keeps guessing hopeless at the pace calls allow: README "Phone dial-in".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace counsel {

constexpr std::size_t kPhoneRoomDigits = 6;
constexpr std::size_t kPinDigits = 12;  // 10^12 = 2^39.9

// `count` uniformly random decimal digits from the OS CSPRNG.
std::string random_digits(std::size_t count);
// Exactly `count` ASCII digits.
bool looks_like_digits(std::string_view text, std::size_t count);
// What is hashed for a PIN: a domain prefix keeps PIN digests apart from
// token digests under the same key.
std::string pin_hash_input(std::string_view pin);

}  // namespace counsel
