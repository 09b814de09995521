// What a start finds in rec_dir, and what it does about it before the room
// thread runs (the verdicts are folder_marker.hpp's classify()): unconsented,
// vetoed and unreadable leftovers are deleted with their links, finished
// recordings are tidied, and the consented spans of a session a crash (or a
// stop) interrupted are marked for finalization. The jobs are queued by the
// caller.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "recording/room_folders.hpp"
#include "recording/capability_store.hpp"

namespace counsel::recording {

struct RecoveryPlan {
    // In the order of the folders: the MP4 of a room to make (its marker says
    // so now), or a finished one to deliver to the WebDAV target.
    struct Job {
        std::string ref;
        bool finalize = false;
    };
    std::vector<Job> jobs;
    std::size_t recovered = 0;  // of them, finalizations
    std::size_t deleted = 0;
    std::size_t kept = 0;       // finished recordings
};

// `uploading`: a WebDAV target is configured.
RecoveryPlan recover_at_start(RoomFolders& folders, recording::CapabilityStore& links, bool uploading);

}  // namespace counsel::recording
