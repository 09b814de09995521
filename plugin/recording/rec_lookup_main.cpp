// counsel-rec-lookup: resolves a private download link to its recording.
//
//   printf '%s\n' "$CAPABILITY" | counsel-rec-lookup --rec-dir /srv/janus-counsel/rec
//
// Reads one capability (the 22 characters after "/rec/", or the whole
// "/rec/<capability>" path) from stdin — never from the command line, where
// other local users could see it — and prints the path of the recording it
// opens now. Exit status: 0 found, 1 no such link (malformed, unknown,
// expired, file gone), 2 usage error. Prints nothing else.
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>

#include "recording/capability_store.hpp"

int main(int argc, char** argv) {
    std::string rec_dir = "/srv/janus-counsel/rec";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--rec-dir") && i + 1 < argc) {
            rec_dir = argv[++i];
        } else {
            std::fprintf(stderr, "usage: printf '%%s\\n' CAPABILITY | %s [--rec-dir DIR]\n", argv[0]);
            return 2;
        }
    }
    std::string line;
    if (!std::getline(std::cin, line)) return 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.rfind("/rec/", 0) == 0) line.erase(0, 5);
    counsel::recording::CapabilityStore store(rec_dir);
    auto path = store.lookup(line, static_cast<std::int64_t>(std::time(nullptr)));
    if (!path) return 1;
    std::printf("%s\n", path->c_str());
    return 0;
}
