#include "g711.hpp"

#include <spandsp.h>

namespace counsel::phone {

void g711_decode(G711 law, const std::uint8_t* in, std::size_t count, std::int16_t* out) {
    for (std::size_t i = 0; i < count; ++i) out[i] = law == G711::Ulaw ? ulaw_to_linear(in[i]) : alaw_to_linear(in[i]);
}

void g711_encode(G711 law, const std::int16_t* in, std::size_t count, std::uint8_t* out) {
    for (std::size_t i = 0; i < count; ++i) out[i] = law == G711::Ulaw ? linear_to_ulaw(in[i]) : linear_to_alaw(in[i]);
}

}  // namespace counsel::phone
