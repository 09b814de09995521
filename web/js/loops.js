// Which of Janus's static event loops a room's handles are attached to
// (config.json `loops`: janus.jcfg `event_loops`, with allow_loop_indication).
// Everyone in a room on one loop thread: a forwarded packet never crosses to
// another thread, 28 % less Janus CPU per packet in rooms of 4
// (docs/performance.md, "Static event loops"). The room id is the one from the
// link, so every page of a room computes the same loop; Janus places a handle
// itself when the index is missing or out of range.

// FNV-1a (32 bit) of the room id, modulo the number of loops; undefined when
// there are no static loops or no room yet.
export function roomLoop(room, loops) {
  if (!Number.isInteger(loops) || loops < 1 || typeof room !== 'string' || room === '') return undefined;
  let h = 0x811c9dc5;
  for (let i = 0; i < room.length; i += 1) {
    h ^= room.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % loops;
}
