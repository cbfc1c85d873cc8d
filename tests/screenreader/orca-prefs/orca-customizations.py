# Loaded by Orca at start from the preferences folder the test gives it (`orca -u DIR`); runs inside
# Orca, under Debian's /usr/bin/python3 (tests/screenreader/harness.py copies it there). It:
#  - records, for each piece of generated speech, the language Orca detected for it (Orca 43 detects it
#    from the page's `lang` attributes, then speaks everything with one voice). The tag rides on the
#    voice, so two neighbouring strings in different languages become two utterances; the words are
#    Orca's own;
#  - appends every utterance sent to the speech server to $BOTHAND_ORCA_LOG as a JSON line
#    {"t": monotonic seconds, "text": what Orca says, "lang": detected language or null};
#  - marks in the same log when Orca has finished answering a key and when Say All has ended;
#  - works around a race in speechd's Python client that stops Say All when speech is instant;
#  - sets the few settings that make a run repeatable (at the end).
import json
import os
import time

from orca import input_event, speech_generator, speechdispatcherfactory

LOG = os.environ.get("BOTHAND_ORCA_LOG")
LANG_KEY = "bothand-detected-lang"  # an extra ACSS key: the speech server ignores keys it does not know

_voice = speech_generator.SpeechGenerator.voice
_speak = speechdispatcherfactory.SpeechServer._speak


def _voice_with_language(self, key=None, **args):
    voices = _voice(self, key, **args)
    language = args.get("language")
    if language:
        dialect = args.get("dialect")
        tag = f"{language}-{dialect}" if dialect else language
        for voice in voices:
            voice[LANG_KEY] = tag
    return voices


def _logged_speak(self, text, acss, **kwargs):
    if LOG and isinstance(text, str) and text.strip():
        lang = acss.get(LANG_KEY) if isinstance(acss, dict) else None
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"t": time.monotonic(), "text": text, "lang": lang}, ensure_ascii=False) + "\n")
    return _speak(self, text, acss, **kwargs)


def _log_mark(mark):
    # Not speech: tells the test that Orca has finished answering a key, or Say All has ended.
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"t": time.monotonic(), "mark": mark}) + "\n")


_consume = input_event.KeyboardEvent._consume
_say_all = speechdispatcherfactory.SpeechServer.sayAll


def _consume_and_mark(self):
    try:
        return _consume(self)
    finally:  # the command's handler has spoken (Orca speaks its answer before the handler returns)
        _log_mark("handled " + self.event_string)


def _say_all_and_mark(self, utterances, progress):
    def marked():
        yield from utterances
        _log_mark("say-all-done")  # asked for the next utterance after the last one was spoken

    return _say_all(self, marked(), progress)


speech_generator.SpeechGenerator.voice = _voice_with_language
speechdispatcherfactory.SpeechServer._speak = _logged_speak
input_event.KeyboardEvent._consume = _consume_and_mark
speechdispatcherfactory.SpeechServer.sayAll = _say_all_and_mark

# A fresh preferences folder each run: these become Orca's settings. Everything else is Orca's default
# (desktop keyboard layout, browse mode, structural navigation, verbose speech, cell headers spoken).
from orca import settings  # noqa: E402

settings.enableKeyEcho = False  # do not speak the keys the test presses
settings.enableSound = False  # no earcons: there is no sound card
settings.wrappedStructuralNavigation = False  # say "No more headings." at the end instead of wrapping to the top
settings.voices[settings.DEFAULT_VOICE]["rate"] = 99  # fastest: speech goes to a null device anyway
settings.sayAllOnLoad = False  # the test starts Say All itself, with KP_Add


# Speech goes to ALSA's null device, so an utterance can end before speechd's Python client has
# registered the callback for it (the race its speak() admits in a TODO). Say All waits for that
# callback, and would then stop mid-page. Keep events that come early and deliver them on registration.
from speechd import client as _client  # noqa: E402


class _EarlyEventsKept(_client._CallbackHandler):
    def __init__(self, client_id):
        super().__init__(client_id)
        self._early = {}

    def __call__(self, msg_id, client_id, type, **kwargs):
        with self._lock:
            if client_id == self._client_id and msg_id not in self._callbacks:
                self._early.setdefault(msg_id, []).append((type, kwargs))
                for old in [m for m in self._early if m < msg_id - 50]:  # messages spoken without a callback
                    del self._early[old]
                return
        super().__call__(msg_id, client_id, type, **kwargs)

    def add_callback(self, msg_id, callback, event_types):
        done = (_client.CallbackType.END, _client.CallbackType.CANCEL)
        with self._lock:
            early = self._early.pop(msg_id, [])
            if not any(t in done for t, _ in early):
                self._callbacks[msg_id] = (callback, event_types)
            for event_type, kwargs in early:
                if event_types is None or event_type in event_types:
                    callback(event_type, **kwargs)


_client._CallbackHandler = _EarlyEventsKept
