#!/usr/bin/env python3
"""Checks that the integration tests can fail: builds mutated copies of the
plugin (one deliberate bug each) outside the repository and runs the test file
that should catch it. A mutant whose source line no longer exists is skipped.

    python3 tests/integration/tools/mutants.py [name ...]

Needs a built build-test/ (for counsel-keygen) and tests/integration/node_modules.
Takes about a minute per mutant (a build of the plugin and one test file).
"""
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
SUITE = os.path.join(REPO, 'tests', 'integration')

# name: (file, original, mutated, test file that must fail)
MUTANTS = {
    'token-not-in-use': ('plugin/core/create_and_join.cpp', 'if (room.in_use(*credential))',
                         'if (false && room.in_use(*credential))', 'token_in_use.test.js'),
    'kick-burns-nothing': ('plugin/core/moderation.cpp', 'room->burn(target->credential);', '', 'kick.test.js'),
    'no-crash-sweep': ('plugin/store/sqlite_room_ledger.cpp', 'sweep.bind(1, kTombstoned);',
                       'sweep.bind(1, kLive);', 'crash_restart.test.js'),
    'lock-ignored': ('plugin/core/create_and_join.cpp', 'if (room.locked())', 'if (false && room.locked())', 'lock.test.js'),
    'no-lobby-timeout': ('plugin/core/room_service.cpp', 'if (p.presence == Presence::Lobby && now',
                         'if (false && now', 'timers.test.js'),
    'no-idle-end': ('plugin/core/room_service.cpp', 'left && now - *left >=', 'false && now - *left >=',
                    'timers.test.js'),
    'handle-burst-6': ('plugin/core/admission.cpp', "handle_attempts_({5, 10'000",
                       "handle_attempts_({6, 10'000", 'rate_limit.test.js'),
    'logs-display-name': ('plugin/core/create_and_join.cpp', '": join refused (credential)"',
                          '": join refused (credential) " + std::string(req.display.view())',
                          'privacy_log_debug5.test.js'),
    'detach-keeps-seat': ('plugin/core/room_service.cpp',
                          'if (Room* room = it->second.room) unseat(*room, it->second.participant);', '',
                          'moderator_seat.test.js'),
}


def run(name, spec, work):
    path, old, new, test_file = spec
    src = os.path.join(work, name)
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns('build*', 'node_modules', '.git', 'tests'))
    os.makedirs(os.path.join(src, 'tests', 'unit'), exist_ok=True)
    target = os.path.join(src, path)
    text = open(target).read() if os.path.exists(target) else ''
    if text.count(old) != 1:
        return 'skipped (source changed)'
    open(target, 'w').write(text.replace(old, new))
    build = os.path.join(src, 'build')
    cmd = f'cmake -S {src} -B {build} -DCOUNSEL_TESTS=OFF >/dev/null && cmake --build {build} -j2 --target janus_counsel >/dev/null'
    if subprocess.run(cmd, shell=True).returncode != 0:
        return 'build failed'
    env = dict(os.environ, COUNSEL_PLUGIN=os.path.join(build, 'libjanus_counsel.so'))
    result = subprocess.run(['node', '--test', test_file], cwd=SUITE, env=env, capture_output=True, text=True, timeout=300)
    return 'caught' if result.returncode != 0 else 'MISSED (the tests passed)'


def main():
    names = sys.argv[1:] or list(MUTANTS)
    missed = 0
    with tempfile.TemporaryDirectory(prefix='counsel-mutants-') as work:
        for name in names:
            verdict = run(name, MUTANTS[name], work)
            missed += verdict.startswith('MISSED')
            print(f'{name:20} {MUTANTS[name][3]:28} {verdict}', flush=True)
    sys.exit(1 if missed else 0)


if __name__ == '__main__':
    main()
