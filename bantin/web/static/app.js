// bantin web UI: small progressive enhancements (pages work without this file).
// Loaded as a file (the Content-Security-Policy allows no inline script).
"use strict";
(function () {
  // Buttons with data-confirm ask before their form is sent.
  document.addEventListener("submit", function (ev) {
    var btn = ev.submitter;
    var msg = (btn && btn.getAttribute("data-confirm")) || ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  }, true);
})();
