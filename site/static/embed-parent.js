// On a partner's page: sizes Bothand iframes to their content when they report their height.
// Accepts a message only from Bothand's origin (the origin this script was loaded from), only
// for the iframe that sent it (event.source), and only a number. Other iframes on the page (a
// video player whose address also contains "/embed/") cannot resize themselves through it.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin;
  try {
    origin = new URL(script.src).origin;
  } catch (e) {
    return; // not loaded from a URL (inlined or bundled): no origin to trust, so no resizing
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var data = event.data;
    if (!data || data.type !== "bothand:height" || typeof data.height !== "number" || !isFinite(data.height)) {
      return;
    }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(100, Math.min(data.height, 100000)) + "px";
      }
    }
  });
})();
