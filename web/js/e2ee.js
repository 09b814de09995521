// End-to-end encryption of media and chat (issue 6): the hook the rest of the
// page calls. It is NOT implemented yet, and says so: `available` is false,
// so the practitioner form cannot create e2ee rooms and the page never marks
// a JSEP as end-to-end encrypted while frames would travel in clear.
//
// How the E2EE work plugs in here:
// - available: true once frame transforms exist; the create form then checks
//   "Ende-zu-Ende-Verschlüsselung" by default and enables it.
// - createRoomKey() / linkParams(): a key made with WebCrypto in the creating
//   browser, carried in the personal links' #fragment (links.js calls
//   linkParams() when it builds a link and passes the parsed fragment to
//   fromFragment()).
// - addTransforms(tracks): janus.js 1.1.2 sets `e2ee: true` on a JSEP by
//   itself when a track carries `transforms: { sender, receiver }` (insertable
//   streams); the plugin refuses non-e2ee JSEPs in e2ee rooms.
// - addAnswerTransforms(options, { streams }): receiver transforms for the
//   m-lines a plugin offer adds (one per remote stream, keyed by sender id).
// - chat: encrypt/decrypt data-channel text in e2ee rooms.

export const E2EE = {
  available: false,
  createRoomKey: async () => null,
  linkParams: () => ({}),
  fromFragment: () => null,
  addTransforms: () => {},
  addAnswerTransforms: () => {},
};
