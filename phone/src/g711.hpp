// G.711 (the phone line's codec): A-law or µ-law sample by sample, with spandsp's tables.
#pragma once

#include <cstddef>
#include <cstdint>

namespace counsel::phone {

enum class G711 { Ulaw, Alaw };

constexpr int kG711UlawPt = 0;
constexpr int kG711AlawPt = 8;

void g711_decode(G711 law, const std::uint8_t* in, std::size_t count, std::int16_t* out);
void g711_encode(G711 law, const std::int16_t* in, std::size_t count, std::uint8_t* out);

}  // namespace counsel::phone
