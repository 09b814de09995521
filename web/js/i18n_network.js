// The texts of staying connected (web/js/room/reconnect.js, link_quality.js,
// the reconnecting mark of tiles.js), German and English; merged into the
// page's tables by i18n.js. "{name}": the person's display name.

export const networkTexts = {
  de: {
    'net.reconnecting': 'Verbindung wird wiederhergestellt … Sie bleiben im Raum.',
    'net.back': 'Die Verbindung ist wieder da.',
    'net.poor': 'Ihre Verbindung ist schwach. Wenn Bilder stocken, können Sie nur den Ton der anderen empfangen; Ihr eigenes Bild sehen die anderen weiter.',
    'net.audioOnly': 'Nur Ton empfangen',
    'net.audioOnlyOn': 'Sie empfangen nur den Ton der anderen.',
    'net.videoAgain': 'Bilder wieder empfangen',
    'tile.reconnecting': 'Verbindung wird wiederhergestellt …',
    'session.reconnectingAnnounce': 'Die Verbindung von {name} wird wiederhergestellt.',
    'session.backAnnounce': '{name} ist wieder verbunden.',
  },
  en: {
    'net.reconnecting': 'Restoring the connection … You stay in the room.',
    'net.back': 'The connection is back.',
    'net.poor': 'Your connection is weak. If pictures stall, you can receive the others’ sound only; they keep seeing you.',
    'net.audioOnly': 'Receive sound only',
    'net.audioOnlyOn': 'You receive the others’ sound only.',
    'net.videoAgain': 'Receive pictures again',
    'tile.reconnecting': 'Restoring the connection …',
    'session.reconnectingAnnounce': 'The connection of {name} is being restored.',
    'session.backAnnounce': '{name} is connected again.',
  },
};
