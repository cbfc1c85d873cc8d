// Runs inside a Bothand embed: tells the parent page how tall the article is, nothing else.
// Optional: without it the iframe keeps the height the partner gave it and scrolls.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "bothand:height", height: height }, "*");
    }
  }
  window.addEventListener("load", report);
  if ("ResizeObserver" in window) new ResizeObserver(report).observe(document.documentElement);
  else window.addEventListener("resize", report);
})();
