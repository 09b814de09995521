#include "recording/recovery.hpp"

namespace counsel::recording {

RecoveryPlan recover_at_start(RoomFolders& folders, recording::CapabilityStore& links, bool uploading) {
    RecoveryPlan plan;
    for (const std::string& name : folders.entries()) {
        const bool dir = folders.is_folder(name);
        std::optional<FolderMarker> state;
        bool has_recording = false;
        if (dir && room_folder_name(name)) {
            state = folders.read_state(name);
            has_recording = folders.has_recording(name);
        }
        switch (classify(name, dir, state, has_recording).action) {
            case Recovery::Ignore: break;
            case Recovery::Delete:
                folders.remove_entry(name);
                ++plan.deleted;
                if (room_folder_name(name)) links.forget(name);
                break;
            case Recovery::Keep:
                // A finished recording; remove what a crash may have left beside it.
                folders.remove_leftovers(name);
                ++plan.kept;
                if (uploading && !state->uploaded) plan.jobs.push_back({name, false});
                break;
            case Recovery::Finalize:
                if (state->state == FolderState::Recording || state->state == FolderState::Paused) {
                    state->recovered = true;  // the session did not end: Janus stopped during it
                    state->state = FolderState::Finalizing;
                    folders.write_state(*state);
                }
                plan.jobs.push_back({name, true});
                ++plan.recovered;
                break;
        }
    }
    return plan;
}

}  // namespace counsel::recording
