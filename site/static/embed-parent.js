// On a partner's page: sizes Bothand iframes to their content when they report their height.
// Accepts messages only from the frame they describe (event.source), and only a number.
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "bothand:height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[src*='/embed/']");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(100, Math.min(data.height, 100000)) + "px";
      }
    }
  });
})();
