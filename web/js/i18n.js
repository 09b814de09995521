// Every text of the page, German first, English second. Nothing else in the
// page holds user-visible text: markup names keys with data-i18n (text),
// data-i18n-attr ("aria-label:key;placeholder:key") and data-i18n-args (JSON
// parameters), and applyI18n() fills them in, again after every switch.
// Larger features keep their texts in a file of their own (i18n_<feature>.js).

import { networkTexts } from './i18n_network.js';
import { recordingTexts } from './i18n_recording.js';

const de = {
  'app.title': 'Vertrauliche Videositzung',
  'lang.switch': 'English',
  'lang.switchLabel': 'Switch to English',

  'common.cancel': 'Abbrechen',
  'common.you': 'Sie',
  'common.copy': 'Kopieren',
  'common.copied': 'Kopiert',
  'common.copyFailed': 'Kopieren nicht möglich – bitte markieren und kopieren Sie den Text selbst.',

  'loading.title': 'Die Seite wird geladen …',

  'practitioner.title': 'Neue Sitzung vorbereiten',
  'practitioner.lead': 'Für jede Sitzung entsteht ein neuer Raum mit persönlichen Links. Er kann nach dem Ende nie wieder betreten werden.',
  'practitioner.access': 'Zugang',
  'practitioner.key': 'Praxisschlüssel',
  'practitioner.keyHelp': 'Der Schlüssel bleibt nur in diesem Browserfenster und wird nirgends gespeichert.',
  'practitioner.keyMissing': 'Bitte geben Sie Ihren Praxisschlüssel ein.',
  'practitioner.keyWrong': 'Dieser Praxisschlüssel ist nicht gültig. Bitte prüfen Sie ihn.',
  'practitioner.session': 'Sitzung',
  'practitioner.sessionTitle': 'Titel (optional)',
  'practitioner.sessionTitleHelp': 'Nur für Sie sichtbar, zum Beispiel „Elterngespräch“. Bitte keine Namen.',
  'practitioner.start': 'Beginn',
  'practitioner.startInvalid': 'Bitte wählen Sie einen Beginn ab jetzt (höchstens eine Woche im Voraus).',
  'practitioner.duration': 'Dauer',
  'practitioner.minutes': '{n} Minuten',
  'practitioner.hours': '{n} Stunden',
  'practitioner.invitees': 'Eingeladene Personen',
  'practitioner.inviteesHelp': 'Jede Person erhält einen eigenen Link. Die Bezeichnung sehen nur Sie, zum Beispiel „Mutter“ oder „Klassenlehrerin“.',
  'practitioner.inviteeLabel': 'Bezeichnung von Person {n}',
  'practitioner.inviteeRemove': 'Person {n} entfernen',
  'practitioner.inviteePlaceholder': 'z. B. Mutter',
  'practitioner.addInvitee': 'Person hinzufügen',
  'practitioner.inviteesMissing': 'Bitte laden Sie mindestens eine Person ein oder erzeugen Sie ein Raumpasswort.',
  'practitioner.inviteeEmpty': 'Bitte geben Sie jeder eingeladenen Person eine Bezeichnung (höchstens 64 Zeichen).',
  'practitioner.protection': 'Schutz',
  'practitioner.e2ee': 'Ende-zu-Ende-Verschlüsselung',
  'practitioner.e2eeHelp': 'Bild, Ton und Chat werden im Browser verschlüsselt; auch der Server kann sie nicht lesen. Der Schlüssel steckt nur in den Links.',
  'practitioner.e2eeUnavailable': 'Dieser Browser kann nicht Ende-zu-Ende verschlüsseln (aktuelles Chrome, Edge, Firefox oder Safari können es). Die Verbindungen zum Server sind immer verschlüsselt (DTLS-SRTP), auf Ihrem Server werden Bild und Ton aber entschlüsselt weitergeleitet.',
  'practitioner.e2eeWithRecording': 'Nicht zusammen mit einer Aufzeichnung möglich.',
  'practitioner.recording': 'Aufzeichnung',
  'practitioner.recordingOff': 'Keine Aufzeichnung',
  'practitioner.recordingConsent': 'Nur mit Zustimmung aller Beteiligten',
  'practitioner.recordingConsentHelp': 'Schließt die Ende-zu-Ende-Verschlüsselung aus.',
  'practitioner.password': 'Zusätzlich ein Raumpasswort erzeugen',
  'practitioner.passwordHelp': 'Für Personen ohne persönlichen Link: Sie geben ihnen die Raumadresse und getrennt davon das Passwort.',
  'practitioner.create': 'Sitzung erstellen',
  'practitioner.creating': 'Sitzung wird erstellt …',

  'links.title': 'Die Sitzung ist bereit',
  'links.summary': '{start} bis {end} Uhr',
  'links.summaryDate': '{date}, ',
  'links.personal': 'Persönliche Links',
  'links.personalHelp': 'Senden Sie jeder Person nur ihren eigenen Link, auf einem vertraulichen Weg. Jeder Link gilt nur für diese Sitzung und nur für eine Person gleichzeitig.',
  'links.copyFor': 'Link für {label} kopieren',
  'links.tag': 'Link Nr. {n}, zu erkennen an „token={tag}…“',
  'links.passwordTitle': 'Raumadresse und Passwort',
  'links.passwordHelp': 'Geben Sie Adresse und Passwort getrennt weiter (z. B. die Adresse per E-Mail, das Passwort telefonisch).',
  'links.roomAddress': 'Raumadresse',
  'links.roomPassword': 'Raumpasswort',
  'links.copyAddress': 'Raumadresse kopieren',
  'links.copyPassword': 'Raumpasswort kopieren',
  'links.keepOpen': 'Ihr Moderationszugang existiert nur in diesem Fenster. Lassen Sie es bis zur Sitzung geöffnet; nach dem Schließen kann niemand mehr moderieren.',
  'links.enter': 'Als Gesprächsleitung eintreten',
  'links.e2ee': 'Ende-zu-Ende-verschlüsselt',
  'links.noE2ee': 'Verbindung zum Server verschlüsselt',
  'links.leaveWarning': 'Wenn Sie diese Seite verlassen, geht der Moderationszugang verloren.',

  'prejoin.title': 'Bevor Sie eintreten',
  'prejoin.titleModerator': 'Eintreten als Gesprächsleitung',
  'prejoin.preview': 'Vorschau Ihrer Kamera',
  'prejoin.level': 'Mikrofonpegel',
  'prejoin.camera': 'Kamera',
  'prejoin.microphone': 'Mikrofon',
  'prejoin.noCamera': 'Keine Kamera gefunden',
  'prejoin.noMicrophone': 'Kein Mikrofon gefunden',
  'prejoin.deviceN': '{kind} {n}',
  'prejoin.testSound': 'Lautsprecher testen',
  'prejoin.camOff': 'Kamera ist aus',
  'prejoin.noticeTitle': 'Bitte beachten',
  'prejoin.defaultNotice': 'Dieses Gespräch ist vertraulich. Ton- und Videoaufzeichnungen sowie Screenshots sind nicht gestattet; ein Verstoß kann (straf-)rechtliche Folgen haben. Bitte sorgen Sie dafür, dass niemand Unbeteiligtes mithört oder mitsieht.',
  'prejoin.ack': 'Ich habe den Hinweis gelesen und halte mich daran.',
  'prejoin.ackMissing': 'Bitte bestätigen Sie den Hinweis.',
  'prejoin.name': 'Ihr Name',
  'prejoin.nameHelp': 'Ein Vorname oder ein Pseudonym genügt.',
  'prejoin.nameHelpModerator': 'So sehen Sie die anderen im Raum.',
  'prejoin.nameMissing': 'Bitte geben Sie einen Namen ein (höchstens 64 Zeichen, ohne Steuerzeichen).',
  'prejoin.password': 'Raumpasswort',
  'prejoin.passwordMissing': 'Bitte geben Sie das Raumpasswort ein.',
  'prejoin.privacy': 'Sie betreten zuerst einen Warteraum. Niemand sieht oder hört Sie, bevor die Gesprächsleitung Sie einlässt.',
  'prejoin.privacyModerator': 'Sie betreten den Raum sofort. Wer einen Link hat, wartet im Warteraum, bis Sie ihn oder sie einlassen.',
  'prejoin.join': 'Eintreten',
  'prejoin.joining': 'Einen Moment …',
  'prejoin.deviceDenied': 'Der Browser hat den Zugriff auf Kamera oder Mikrofon nicht erlaubt. Sie können trotzdem eintreten; erlauben Sie den Zugriff in den Einstellungen des Browsers, wenn man Sie sehen und hören soll.',
  'prejoin.deviceFailed': 'Kamera oder Mikrofon konnten nicht gestartet werden. Vielleicht werden sie gerade von einem anderen Programm benutzt.',
  'prejoin.noDevices': 'Es wurden weder Kamera noch Mikrofon gefunden. Sie können trotzdem eintreten und den Chat benutzen.',
  'prejoin.insecure': 'Diese Seite ist nicht über eine sichere Verbindung geöffnet; der Browser erlaubt deshalb weder Kamera noch Mikrofon.',

  'toggle.micOn': 'Mikrofon ist an',
  'toggle.micOff': 'Mikrofon ist aus',
  'toggle.micLabel': 'Mikrofon',
  'toggle.camOn': 'Kamera ist an',
  'toggle.camOff': 'Kamera ist aus',
  'toggle.camLabel': 'Kamera',
  'tile.videoUnsupported': 'Das Bild von {name} kann dieser Browser nicht zeigen: Ihm fehlt der Video-Codec {codec}. Ton und Chat funktionieren. {instead}',
  'tile.videoMissing': 'Das Bild von {name} kommt in diesem Browser nicht an. Ton und Chat funktionieren. {instead}',
  'tile.insteadH264': 'Für das Bild öffnen Sie Ihren Link in Chrome, Edge oder Safari – oder schalten in Firefox das Plugin „OpenH264 Video Codec“ ein (Menü → Add-ons und Themes → Plugins).',
  'tile.insteadOther': 'Für das Bild öffnen Sie Ihren Link in einem aktuellen Chrome, Edge, Firefox oder Safari.',
  'toggle.flip': 'Wechseln',
  'toggle.flipHelp': 'Andere Kamera verwenden (vorne oder hinten)',
  'toggle.chat': 'Chat',
  'toggle.mutedByModerator': 'Von der Gesprächsleitung stummgeschaltet',

  'waiting.title': 'Bitte warten Sie, Sie werden eingelassen',
  'waiting.lead': 'Die Gesprächsleitung sieht, dass Sie da sind. Bis Sie eingelassen werden, sieht und hört Sie niemand.',
  'waiting.messageFrom': 'Nachricht der Gesprächsleitung',
  'waiting.noticeAgain': 'Hinweis noch einmal lesen',
  'waiting.previewCaption': 'Nur Sie sehen dieses Bild.',
  'waiting.leave': 'Warteraum verlassen',

  'session.client': 'Vertrauliche Sitzung',
  'session.untitled': 'Sitzung',
  'session.remaining': 'noch {time}',
  'session.endsSoon': 'endet in {time}',
  'session.e2ee': 'Ende-zu-Ende-verschlüsselt',
  'session.transport': 'Verschlüsselte Verbindung',
  'session.lock': 'Raum sperren',
  'session.unlock': 'Raum entsperren',
  'session.locked': 'Der Raum ist gesperrt: Niemand Neues kann den Warteraum betreten.',
  'session.unlocked': 'Der Raum ist wieder offen für eingeladene Personen.',
  'session.incident': 'Vorfall melden',
  'session.end': 'Sitzung beenden',
  'session.leave': 'Verlassen',
  'session.controls': 'Steuerung',
  'session.e2eeUnsupported': 'Diese Sitzung ist Ende-zu-Ende-verschlüsselt, und dieser Browser kann das nicht. Öffnen Sie den Link bitte in einem aktuellen Chrome, Edge, Firefox oder Safari (auf dem iPhone: iOS aktualisieren); Bild, Ton und Chat sind hier nicht verfügbar.',
  'session.e2eeCode': 'Code {code}',
  'session.e2eeCodeHelp': 'Vergleichen Sie diesen Code mündlich mit den anderen. Sehen alle denselben Code, kann niemand sonst mithören oder mitsehen – auch nicht der Server.',
  'chat.unreadable': 'Eine Nachricht ließ sich nicht entschlüsseln und wird nicht angezeigt.',
  'session.mediaFailed': 'Bild und Ton konnten nicht verbunden werden. Bitte verlassen Sie den Raum und treten Sie erneut ein.',
  'session.mutedAudio': 'Die Gesprächsleitung hat Ihr Mikrofon stummgeschaltet.',
  'session.unmutedAudio': 'Die Gesprächsleitung hat die Stummschaltung Ihres Mikrofons aufgehoben.',
  'session.mutedVideo': 'Die Gesprächsleitung hat Ihre Kamera ausgeschaltet.',
  'session.unmutedVideo': 'Die Gesprächsleitung hat Ihre Kamera wieder freigegeben.',
  'session.joinedAnnounce': '{name} ist jetzt im Raum.',
  'session.leftAnnounce': '{name} hat den Raum verlassen.',
  'session.alone': 'Noch ist niemand außer Ihnen im Raum.',
  'session.aloneClient': 'Die anderen Teilnehmenden erscheinen hier, sobald sie im Raum sind.',
  'session.endConfirmTitle': 'Sitzung für alle beenden?',
  'session.endConfirmText': 'Alle werden getrennt, der Chat und alle Namen werden gelöscht. Der Raum und alle Links können danach nie wieder benutzt werden.',
  'session.endConfirm': 'Sitzung beenden',
  'session.leaveConfirmTitle': 'Sitzung verlassen?',
  'session.leaveConfirmText': 'Wenn Sie wieder eintreten möchten, warten Sie erneut im Warteraum.',
  'session.leaveConfirm': 'Verlassen',
  'session.incidentSent': 'Der Vorfall wurde gemeldet.',
  'session.moderator': 'Gesprächsleitung',

  'tile.you': '{name} (Sie)',
  'tile.micOff': 'Mikrofon aus',
  'tile.camOff': 'Kamera aus',
  'tile.muteShort': 'Stummschalten',
  'tile.unmuteShort': 'Ton freigeben',
  'tile.stopVideoShort': 'Bild aus',
  'tile.allowVideoShort': 'Bild freigeben',
  'tile.removeShort': 'Entfernen',
  'tile.removeConfirmTitle': '{name} entfernen?',
  'tile.removeConfirmText': 'Die Person wird sofort getrennt. Ihr persönlicher Link wird ungültig; sie kann diese Sitzung nicht mehr betreten.',
  'tile.removeConfirm': 'Entfernen',
  'tile.mutedByModerator': 'stummgeschaltet',


  'lobby.title': 'Warteraum',
  'lobby.empty': 'Niemand wartet.',
  'lobby.chime': 'Ton, wenn jemand wartet',
  'lobby.chimeHelp': 'Der Warteraum zeigt Ankommende immer an; der Ton ist zusätzlich.',
  'lobby.waitingFor': 'wartet seit {time}',
  'lobby.admit': 'Einlassen',
  'lobby.deny': 'Abweisen',
  'lobby.message': 'Nachricht',
  'lobby.messageLabel': 'Nachricht',
  'lobby.messageHelp': 'Nur diese Person sieht die Nachricht. Sie erfährt dadurch nichts über den Raum.',
  'lobby.messageTitle': 'Nachricht an {name}',
  'lobby.messageSend': 'Nachricht senden',
  'lobby.messageSent': 'Nachricht an {name} gesendet.',
  'lobby.messageMissing': 'Bitte schreiben Sie eine Nachricht (höchstens 500 Zeichen).',
  'lobby.quick': 'Vorschläge',
  'lobby.quick1': 'Ich bin gleich bei Ihnen.',
  'lobby.quick2': 'Es dauert noch etwa fünf Minuten.',
  'lobby.quick3': 'Bitte prüfen Sie, ob Sie ungestört sind.',
  'lobby.arrived': '{name} wartet im Warteraum.',
  'lobby.arrivedMany': '{n} Personen warten im Warteraum.',
  'lobby.denyConfirmTitle': '{name} abweisen?',
  'lobby.denyConfirmText': 'Die Person erfährt, dass sie nicht eingelassen wurde. Mit ihrem Link kann sie es später erneut versuchen.',
  'lobby.denyConfirm': 'Abweisen',
  'lobby.titleCount': '({n}) {title}',

  'chat.title': 'Chat',
  'chat.help': 'Nachrichten gehen an alle im Raum und werden nicht gespeichert.',
  'chat.input': 'Nachricht an alle im Raum',
  'chat.placeholder': 'Nachricht schreiben …',
  'chat.send': 'Senden',
  'chat.connecting': 'Der Chat wird verbunden …',
  'chat.unavailable': 'Der Chat ist nicht verfügbar.',
  'chat.failed': 'Die Nachricht konnte nicht gesendet werden.',
  'chat.tooLong': 'Die Nachricht ist zu lang.',
  'chat.unknown': 'Unbekannt',

  'incident.title': 'Sicherheitsvorfall melden',
  'incident.text': 'Die Meldung geht an die oder den Datenschutzbeauftragten. Sie enthält nur die Art des Vorfalls, keine Namen und keine Inhalte.',
  'incident.category': 'Art des Vorfalls',
  'incident.unauthorized_person': 'Eine unbefugte Person hört oder sieht mit',
  'incident.recording_suspected': 'Verdacht auf Aufzeichnung oder Screenshots',
  'incident.data_leak': 'Vertrauliche Daten sind nach außen gelangt',
  'incident.technical': 'Technisches Sicherheitsproblem',
  'incident.other': 'Sonstiges',
  'incident.send': 'Vorfall melden',

  'end.denied.title': 'Sie wurden nicht eingelassen',
  'end.denied.text': 'Die Gesprächsleitung hat Sie diesmal nicht eingelassen. Wenn Sie glauben, dass das ein Versehen war, wenden Sie sich bitte an die Person, die Sie eingeladen hat.',
  'end.deniedFinal.title': 'Sie werden nicht eingelassen',
  'end.deniedFinal.text': 'Die Gesprächsleitung hat entschieden, Sie zu dieser Sitzung nicht einzulassen; Ihr Link gilt nicht mehr. Wenn Sie glauben, dass das ein Versehen war, wenden Sie sich bitte an die Person, die Sie eingeladen hat.',
  'end.removed.title': 'Sie wurden aus der Sitzung entfernt',
  'end.removed.text': 'Die Gesprächsleitung hat Sie aus dieser Sitzung entfernt. Ihr Link gilt nicht mehr.',
  'end.ended.title': 'Die Sitzung ist beendet',
  'end.ended.text': 'Diese Sitzung ist vorbei. Der Raum und alle Links gelten nicht mehr; Namen und Chat wurden gelöscht. Sie können dieses Fenster schließen.',
  'end.endedExpired.text': 'Die geplante Zeit dieser Sitzung ist abgelaufen. Der Raum und alle Links gelten nicht mehr; Namen und Chat wurden gelöscht.',
  'end.endedModerator.title': 'Sie haben die Sitzung beendet',
  'end.endedModerator.text': 'Alle wurden getrennt. Der Raum ist gelöscht und kann nie wieder betreten werden; Namen, Links und Chat sind gelöscht.',
  'end.invalid.title': 'Dieser Link ist nicht gültig',
  'end.invalid.text': 'Der Link ist unvollständig, falsch oder nicht mehr gültig. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben, oder fragen Sie die Person, die Sie eingeladen hat, nach einem neuen Link.',
  'end.passwordWrong.title': 'Das Passwort stimmt nicht',
  'end.passwordWrong.text': 'Mit diesem Passwort lässt sich der Raum nicht betreten. Bitte prüfen Sie es und versuchen Sie es erneut.',
  'end.tooMany.title': 'Zu viele Versuche',
  'end.tooMany.text': 'Es gab zu viele erfolglose Versuche. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
  'end.locked.title': 'Der Raum ist gerade gesperrt',
  'end.locked.text': 'Die Gesprächsleitung hat den Raum gesperrt; im Moment kann niemand Neues eintreten. Versuchen Sie es später erneut oder wenden Sie sich an die Person, die Sie eingeladen hat.',
  'end.inUse.title': 'Dieser Link wird schon benutzt',
  'end.inUse.text': 'Mit diesem persönlichen Link ist gerade schon jemand verbunden, vielleicht in einem anderen Fenster oder auf einem anderen Gerät. Schließen Sie die andere Verbindung und versuchen Sie es erneut.',
  'end.full.title': 'Der Raum ist voll',
  'end.full.text': 'Die Sitzung hat die größte erlaubte Zahl an Personen erreicht. Bitte wenden Sie sich an die Person, die Sie eingeladen hat.',
  'end.timeout.title': 'Die Wartezeit ist abgelaufen',
  'end.timeout.text': 'Sie wurden nicht rechtzeitig eingelassen. Sie können es mit Ihrem Link erneut versuchen.',
  'end.left.title': 'Sie haben die Sitzung verlassen',
  'end.left.text': 'Wenn Sie wieder eintreten, warten Sie zuerst im Warteraum.',
  'end.lost.title': 'Die Verbindung wurde unterbrochen',
  'end.lost.text': 'Die Verbindung zum Server ist abgebrochen. Prüfen Sie Ihre Internetverbindung und treten Sie erneut ein.',
  'end.unreachable.title': 'Der Server ist nicht erreichbar',
  'end.unreachable.text': 'Die Verbindung zum Server konnte nicht aufgebaut werden. Bitte versuchen Sie es in einem Moment erneut.',
  'end.seatTaken.title': 'Die Gesprächsleitung ist schon im Raum',
  'end.seatTaken.text': 'Mit diesem Moderationszugang ist bereits jemand verbunden, vielleicht in einem anderen Fenster.',
  'end.error.title': 'Das hat nicht geklappt',
  'end.browser.title': 'Dieser Browser wird nicht unterstützt',
  'end.browser.text': 'Bitte öffnen Sie den Link in einem aktuellen Firefox, Chrome, Edge oder Safari.',
  'end.retry': 'Erneut versuchen',
  'end.rejoin': 'Wieder eintreten',
  'end.newSession': 'Neue Sitzung vorbereiten',

  // Human sentences for every error code of the plugin (never shown as codes).
  'error.480': 'Die Anfrage konnte nicht verarbeitet werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
  'error.481': 'Eine Eingabe ist ungültig, zum Beispiel zu lang oder mit nicht erlaubten Zeichen.',
  'error.482': 'Der Zugang wurde nicht angenommen: Link, Schlüssel oder Passwort stimmen nicht oder gelten nicht mehr.',
  'error.483': 'Diese Sitzung ist beendet.',
  'error.484': 'Die Gesprächsleitung ist in diesem Raum schon besetzt.',
  'error.485': 'Der Raum ist gerade gesperrt.',
  'error.486': 'Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
  'error.487': 'Das ist in Ihrer Rolle oder gerade jetzt nicht möglich.',
  'error.488': 'Diese Einstellungen passen nicht zusammen: Ende-zu-Ende-Verschlüsselung und Aufzeichnung schließen sich aus.',
  'error.489': 'Der Raum ist voll.',
  'error.490': 'Dieser persönliche Link wird gerade schon benutzt.',
  'error.491': 'Diese Sitzung läuft auf einem anderen Server dieses Dienstes. Bitte öffnen Sie Ihren Link noch einmal genau so, wie Sie ihn bekommen haben.',
  'error.499': 'Auf dem Server ist ein Fehler aufgetreten; es wurde nichts geändert. Bitte versuchen Sie es erneut.',
  'error.unknown': 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut.',
  'error.timeout': 'Der Server hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es erneut.',
  'error.connection': 'Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung.',
  'error.notInLobby': 'Diese Person ist nicht mehr im Warteraum.',

  'time.minSec': '{m}:{s} Min.',
  'time.hourMin': '{h}:{m} Std.',
  'time.seconds': '{s} Sek.',
};

const en = {
  'app.title': 'Confidential video session',
  'lang.switch': 'Deutsch',
  'lang.switchLabel': 'Auf Deutsch umschalten',

  'common.cancel': 'Cancel',
  'common.you': 'You',
  'common.copy': 'Copy',
  'common.copied': 'Copied',
  'common.copyFailed': 'Copying is not possible here – please select and copy the text yourself.',

  'loading.title': 'Loading …',

  'practitioner.title': 'Prepare a new session',
  'practitioner.lead': 'Every session gets a new room with personal links. Once it has ended, it can never be entered again.',
  'practitioner.access': 'Access',
  'practitioner.key': 'Practitioner key',
  'practitioner.keyHelp': 'The key stays in this browser window only and is never stored.',
  'practitioner.keyMissing': 'Please enter your practitioner key.',
  'practitioner.keyWrong': 'This practitioner key is not valid. Please check it.',
  'practitioner.session': 'Session',
  'practitioner.sessionTitle': 'Title (optional)',
  'practitioner.sessionTitleHelp': 'Only you see it, for example “Parent meeting”. Please no names.',
  'practitioner.start': 'Start',
  'practitioner.startInvalid': 'Please choose a start from now on (at most one week ahead).',
  'practitioner.duration': 'Duration',
  'practitioner.minutes': '{n} minutes',
  'practitioner.hours': '{n} hours',
  'practitioner.invitees': 'Invited people',
  'practitioner.inviteesHelp': 'Each person gets a link of their own. Only you see the label, for example “Mother” or “Class teacher”.',
  'practitioner.inviteeLabel': 'Label of person {n}',
  'practitioner.inviteeRemove': 'Remove person {n}',
  'practitioner.inviteePlaceholder': 'e.g. Mother',
  'practitioner.addInvitee': 'Add a person',
  'practitioner.inviteesMissing': 'Please invite at least one person or create a room password.',
  'practitioner.inviteeEmpty': 'Please give every invited person a label (at most 64 characters).',
  'practitioner.protection': 'Protection',
  'practitioner.e2ee': 'End-to-end encryption',
  'practitioner.e2eeHelp': 'Video, audio and chat are encrypted in the browser; not even the server can read them. The key travels only in the links.',
  'practitioner.e2eeUnavailable': 'This browser cannot encrypt end to end (current Chrome, Edge, Firefox or Safari can). The connections to the server are always encrypted (DTLS-SRTP), but your server decrypts video and audio while forwarding them.',
  'practitioner.e2eeWithRecording': 'Not possible together with a recording.',
  'practitioner.recording': 'Recording',
  'practitioner.recordingOff': 'No recording',
  'practitioner.recordingConsent': 'Only with everyone’s consent',
  'practitioner.recordingConsentHelp': 'Rules out end-to-end encryption.',
  'practitioner.password': 'Also create a room password',
  'practitioner.passwordHelp': 'For people without a personal link: give them the room address and, separately, the password.',
  'practitioner.create': 'Create session',
  'practitioner.creating': 'Creating the session …',

  'links.title': 'The session is ready',
  'links.summary': '{start} to {end}',
  'links.summaryDate': '{date}, ',
  'links.personal': 'Personal links',
  'links.personalHelp': 'Send each person only their own link, through a confidential channel. Each link is valid for this session only and for one person at a time.',
  'links.copyFor': 'Copy the link for {label}',
  'links.tag': 'Link no. {n}, recognisable by “token={tag}…”',
  'links.passwordTitle': 'Room address and password',
  'links.passwordHelp': 'Pass the address and the password on separately (e.g. the address by e-mail, the password by phone).',
  'links.roomAddress': 'Room address',
  'links.roomPassword': 'Room password',
  'links.copyAddress': 'Copy the room address',
  'links.copyPassword': 'Copy the room password',
  'links.keepOpen': 'Your moderator access exists in this window only. Keep it open until the session; once it is closed, nobody can moderate.',
  'links.enter': 'Enter as the host',
  'links.e2ee': 'End-to-end encrypted',
  'links.noE2ee': 'Encrypted on the way to the server',
  'links.leaveWarning': 'If you leave this page, the moderator access is lost.',

  'prejoin.title': 'Before you enter',
  'prejoin.titleModerator': 'Enter as the host',
  'prejoin.preview': 'Preview of your camera',
  'prejoin.level': 'Microphone level',
  'prejoin.camera': 'Camera',
  'prejoin.microphone': 'Microphone',
  'prejoin.noCamera': 'No camera found',
  'prejoin.noMicrophone': 'No microphone found',
  'prejoin.deviceN': '{kind} {n}',
  'prejoin.testSound': 'Test the speakers',
  'prejoin.camOff': 'Camera is off',
  'prejoin.noticeTitle': 'Please note',
  'prejoin.defaultNotice': 'This conversation is confidential. Audio or video recordings and screenshots are not permitted; violations may have legal consequences. Please make sure that nobody else can listen in or watch.',
  'prejoin.ack': 'I have read this notice and will comply with it.',
  'prejoin.ackMissing': 'Please confirm the notice.',
  'prejoin.name': 'Your name',
  'prejoin.nameHelp': 'A first name or a pseudonym is fine.',
  'prejoin.nameHelpModerator': 'This is how the others in the room see you.',
  'prejoin.nameMissing': 'Please enter a name (at most 64 characters, no control characters).',
  'prejoin.password': 'Room password',
  'prejoin.passwordMissing': 'Please enter the room password.',
  'prejoin.privacy': 'You enter a waiting room first. Nobody sees or hears you before the host lets you in.',
  'prejoin.privacyModerator': 'You enter the room at once. Whoever has a link waits in the waiting room until you let them in.',
  'prejoin.join': 'Enter',
  'prejoin.joining': 'One moment …',
  'prejoin.deviceDenied': 'The browser did not allow access to the camera or microphone. You can still enter; allow access in the browser’s settings if others should see and hear you.',
  'prejoin.deviceFailed': 'The camera or microphone could not be started. Another program may be using them.',
  'prejoin.noDevices': 'Neither a camera nor a microphone was found. You can still enter and use the chat.',
  'prejoin.insecure': 'This page was not opened over a secure connection, so the browser allows neither camera nor microphone.',

  'toggle.micOn': 'Microphone is on',
  'toggle.micOff': 'Microphone is off',
  'toggle.micLabel': 'Microphone',
  'toggle.camOn': 'Camera is on',
  'toggle.camOff': 'Camera is off',
  'toggle.camLabel': 'Camera',
  'tile.videoUnsupported': 'This browser cannot show the picture of {name}: it lacks the video codec {codec}. Sound and chat work. {instead}',
  'tile.videoMissing': 'The picture of {name} does not reach this browser. Sound and chat work. {instead}',
  'tile.insteadH264': 'For the picture, open your link in Chrome, Edge or Safari – or turn on the “OpenH264 Video Codec” plugin in Firefox (menu → Add-ons and themes → Plugins).',
  'tile.insteadOther': 'For the picture, open your link in a current Chrome, Edge, Firefox or Safari.',
  'toggle.flip': 'Switch',
  'toggle.flipHelp': 'Use the other camera (front or back)',
  'toggle.chat': 'Chat',
  'toggle.mutedByModerator': 'Muted by the host',

  'waiting.title': 'Please wait, you will be admitted',
  'waiting.lead': 'The host can see that you are here. Until you are let in, nobody sees or hears you.',
  'waiting.messageFrom': 'Message from the host',
  'waiting.noticeAgain': 'Read the notice again',
  'waiting.previewCaption': 'Only you see this picture.',
  'waiting.leave': 'Leave the waiting room',

  'session.client': 'Confidential session',
  'session.untitled': 'Session',
  'session.remaining': '{time} left',
  'session.endsSoon': 'ends in {time}',
  'session.e2ee': 'End-to-end encrypted',
  'session.transport': 'Encrypted connection',
  'session.lock': 'Lock the room',
  'session.unlock': 'Unlock the room',
  'session.locked': 'The room is locked: nobody new can enter the waiting room.',
  'session.unlocked': 'The room is open again for invited people.',
  'session.incident': 'Report an incident',
  'session.end': 'End the session',
  'session.leave': 'Leave',
  'session.controls': 'Controls',
  'session.e2eeUnsupported': 'This session is end-to-end encrypted, and this browser cannot do that. Please open the link in a current Chrome, Edge, Firefox or Safari (on an iPhone: update iOS); video, audio and chat are not available here.',
  'session.e2eeCode': 'Code {code}',
  'session.e2eeCodeHelp': 'Compare this code aloud with the others. If everyone sees the same code, nobody else can listen or watch – not even the server.',
  'chat.unreadable': 'A message could not be decrypted and is not shown.',
  'session.mediaFailed': 'Video and audio could not be connected. Please leave the room and enter again.',
  'session.mutedAudio': 'The host has muted your microphone.',
  'session.unmutedAudio': 'The host has unmuted your microphone.',
  'session.mutedVideo': 'The host has turned off your camera.',
  'session.unmutedVideo': 'The host has allowed your camera again.',
  'session.joinedAnnounce': '{name} is in the room now.',
  'session.leftAnnounce': '{name} has left the room.',
  'session.alone': 'Nobody but you is in the room yet.',
  'session.aloneClient': 'The others appear here as soon as they are in the room.',
  'session.endConfirmTitle': 'End the session for everyone?',
  'session.endConfirmText': 'Everyone is disconnected, the chat and all names are deleted. The room and all links can never be used again.',
  'session.endConfirm': 'End the session',
  'session.leaveConfirmTitle': 'Leave the session?',
  'session.leaveConfirmText': 'If you want to come back, you will wait in the waiting room again.',
  'session.leaveConfirm': 'Leave',
  'session.incidentSent': 'The incident has been reported.',
  'session.moderator': 'Host',

  'tile.you': '{name} (you)',
  'tile.micOff': 'Microphone off',
  'tile.camOff': 'Camera off',
  'tile.muteShort': 'Mute',
  'tile.unmuteShort': 'Unmute',
  'tile.stopVideoShort': 'Video off',
  'tile.allowVideoShort': 'Allow video',
  'tile.removeShort': 'Remove',
  'tile.removeConfirmTitle': 'Remove {name}?',
  'tile.removeConfirmText': 'The person is disconnected at once. Their personal link stops working; they cannot enter this session again.',
  'tile.removeConfirm': 'Remove',
  'tile.mutedByModerator': 'muted',


  'lobby.title': 'Waiting room',
  'lobby.empty': 'Nobody is waiting.',
  'lobby.chime': 'Sound when someone is waiting',
  'lobby.chimeHelp': 'The waiting room always shows who arrives; the sound is extra.',
  'lobby.waitingFor': 'waiting for {time}',
  'lobby.admit': 'Admit',
  'lobby.deny': 'Deny',
  'lobby.message': 'Message',
  'lobby.messageLabel': 'Message',
  'lobby.messageHelp': 'Only this person sees the message. It tells them nothing about the room.',
  'lobby.messageTitle': 'Message to {name}',
  'lobby.messageSend': 'Send message',
  'lobby.messageSent': 'Message to {name} sent.',
  'lobby.messageMissing': 'Please write a message (at most 500 characters).',
  'lobby.quick': 'Suggestions',
  'lobby.quick1': 'I will be with you in a moment.',
  'lobby.quick2': 'It will take about five more minutes.',
  'lobby.quick3': 'Please make sure you will not be disturbed.',
  'lobby.arrived': '{name} is in the waiting room.',
  'lobby.arrivedMany': '{n} people are in the waiting room.',
  'lobby.denyConfirmTitle': 'Deny {name}?',
  'lobby.denyConfirmText': 'The person learns that they were not let in. They can try again later with their link.',
  'lobby.denyConfirm': 'Deny',
  'lobby.titleCount': '({n}) {title}',

  'chat.title': 'Chat',
  'chat.help': 'Messages go to everyone in the room and are not stored.',
  'chat.input': 'Message to everyone in the room',
  'chat.placeholder': 'Write a message …',
  'chat.send': 'Send',
  'chat.connecting': 'Connecting the chat …',
  'chat.unavailable': 'The chat is not available.',
  'chat.failed': 'The message could not be sent.',
  'chat.tooLong': 'The message is too long.',
  'chat.unknown': 'Unknown',

  'incident.title': 'Report a security incident',
  'incident.text': 'The report goes to the data protection officer. It contains only the kind of incident, no names and no content.',
  'incident.category': 'Kind of incident',
  'incident.unauthorized_person': 'An unauthorised person is listening or watching',
  'incident.recording_suspected': 'Suspected recording or screenshots',
  'incident.data_leak': 'Confidential data has got out',
  'incident.technical': 'Technical security problem',
  'incident.other': 'Other',
  'incident.send': 'Report the incident',

  'end.denied.title': 'You were not admitted',
  'end.denied.text': 'The host did not let you in this time. If you think this was a mistake, please contact the person who invited you.',
  'end.deniedFinal.title': 'You will not be admitted',
  'end.deniedFinal.text': 'The host decided not to let you into this session; your link is no longer valid. If you think this was a mistake, please contact the person who invited you.',
  'end.removed.title': 'You were removed from the session',
  'end.removed.text': 'The host removed you from this session. Your link is no longer valid.',
  'end.ended.title': 'The session has ended',
  'end.ended.text': 'This session is over. The room and all links are no longer valid; names and chat have been deleted. You can close this window.',
  'end.endedExpired.text': 'The planned time of this session is over. The room and all links are no longer valid; names and chat have been deleted.',
  'end.endedModerator.title': 'You have ended the session',
  'end.endedModerator.text': 'Everyone was disconnected. The room is deleted and can never be entered again; names, links and chat are deleted.',
  'end.invalid.title': 'This link is not valid',
  'end.invalid.text': 'The link is incomplete, wrong or no longer valid. Please check that you copied all of it, or ask the person who invited you for a new link.',
  'end.passwordWrong.title': 'The password is not correct',
  'end.passwordWrong.text': 'This password does not open the room. Please check it and try again.',
  'end.tooMany.title': 'Too many attempts',
  'end.tooMany.text': 'There were too many unsuccessful attempts. Please wait a moment and then try again.',
  'end.locked.title': 'The room is locked right now',
  'end.locked.text': 'The host has locked the room; nobody new can enter at the moment. Try again later or contact the person who invited you.',
  'end.inUse.title': 'This link is already in use',
  'end.inUse.text': 'Someone is already connected with this personal link, perhaps in another window or on another device. Close the other connection and try again.',
  'end.full.title': 'The room is full',
  'end.full.text': 'The session has reached the largest number of people allowed. Please contact the person who invited you.',
  'end.timeout.title': 'The waiting time is over',
  'end.timeout.text': 'You were not let in in time. You can try again with your link.',
  'end.left.title': 'You have left the session',
  'end.left.text': 'If you enter again, you will wait in the waiting room first.',
  'end.lost.title': 'The connection was interrupted',
  'end.lost.text': 'The connection to the server broke off. Check your internet connection and enter again.',
  'end.unreachable.title': 'The server cannot be reached',
  'end.unreachable.text': 'No connection to the server could be made. Please try again in a moment.',
  'end.seatTaken.title': 'The host is already in the room',
  'end.seatTaken.text': 'Someone is already connected with this moderator access, perhaps in another window.',
  'end.error.title': 'That did not work',
  'end.browser.title': 'This browser is not supported',
  'end.browser.text': 'Please open the link in a current Firefox, Chrome, Edge or Safari.',
  'end.retry': 'Try again',
  'end.rejoin': 'Enter again',
  'end.newSession': 'Prepare a new session',

  'error.480': 'The request could not be processed. Please reload the page and try again.',
  'error.481': 'An entry is not valid, for example too long or with characters that are not allowed.',
  'error.482': 'Access was not accepted: the link, key or password is wrong or no longer valid.',
  'error.483': 'This session has ended.',
  'error.484': 'This room already has a host.',
  'error.485': 'The room is locked right now.',
  'error.486': 'Too many attempts. Please wait a moment and then try again.',
  'error.487': 'That is not possible in your role or right now.',
  'error.488': 'These settings do not go together: end-to-end encryption and recording exclude each other.',
  'error.489': 'The room is full.',
  'error.490': 'This personal link is already in use.',
  'error.491': 'This session runs on another server of this service. Please open your link again exactly as you received it.',
  'error.499': 'An error happened on the server; nothing was changed. Please try again.',
  'error.unknown': 'Something unexpected went wrong. Please try again.',
  'error.timeout': 'The server did not answer in time. Please try again.',
  'error.connection': 'No connection to the server. Please check your internet connection.',
  'error.notInLobby': 'This person is no longer in the waiting room.',

  'time.minSec': '{m}:{s} min',
  'time.hourMin': '{h}:{m} h',
  'time.seconds': '{s} s',
};

Object.assign(de, recordingTexts.de);
Object.assign(en, recordingTexts.en);
Object.assign(de, networkTexts.de);
Object.assign(en, networkTexts.en);
export const LANGUAGES = { de, en };
let current = 'de';
const listeners = new Set();

export function lang() {
  return current;
}

// The text of `key` with {name} parameters filled in.
export function t(key, args) {
  const table = LANGUAGES[current];
  let text = Object.hasOwn(table, key) ? table[key] : Object.hasOwn(de, key) ? de[key] : key;
  if (args) text = text.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(args, name) ? String(args[name]) : m));
  return text;
}

export function hasKey(key) {
  return Object.hasOwn(de, key);
}

// Binds `el` to key (text) and/or attributes; applies them now and after every switch.
//   bind(el, 'chat.send')                        textContent
//   bind(el, null, { 'aria-label': ['lang.switchLabel'] })
export function bind(el, key, attrs, args) {
  if (key) {
    el.dataset.i18n = key;
    if (args) el.dataset.i18nArgs = JSON.stringify(args);
    else delete el.dataset.i18nArgs;
  }
  if (attrs) {
    const spec = {};
    for (const [attr, value] of Object.entries(attrs)) spec[attr] = Array.isArray(value) ? value : [value];
    el.dataset.i18nAttr = JSON.stringify(spec);
  }
  applyTo(el);
  return el;
}

function applyTo(el) {
  if (el.dataset.i18n) {
    const args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : undefined;
    el.textContent = t(el.dataset.i18n, args);
  }
  if (el.dataset.i18nAttr) {
    const spec = JSON.parse(el.dataset.i18nAttr);
    for (const [attr, [key, args]] of Object.entries(spec)) el.setAttribute(attr, t(key, args));
  }
}

export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n], [data-i18n-attr]')) applyTo(el);
}

export function setLang(code) {
  if (!LANGUAGES[code]) return;
  current = code;
  document.documentElement.lang = code;
  applyI18n(document);
  for (const fn of listeners) fn(code);
}

// fn(code) after every switch (for texts that are computed, e.g. timers).
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Human sentence for a plugin error code (never the code itself).
export function errorText(code) {
  const key = `error.${code}`;
  return hasKey(key) ? t(key) : t('error.unknown');
}

// 75 -> "1:15 Min.", 3725 -> "1:02 Std."
export function duration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return t('time.seconds', { s });
  if (s < 3600) return t('time.minSec', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
  return t('time.hourMin', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
}

export function formatTime(date) {
  return new Intl.DateTimeFormat(current === 'de' ? 'de-DE' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(date);
}

export function formatDate(date) {
  return new Intl.DateTimeFormat(current === 'de' ? 'de-DE' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long' }).format(date);
}
