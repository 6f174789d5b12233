// The story page: after htmx swaps a part (labels, handling, notes, response, tracking), keyboard focus
// moves to the heading of the section the form belonged to, so that a keyboard or screen-reader user
// lands on what changed instead of at the top of the page. A file, not an inline script (the CSP allows
// none); without it the forms post and redirect to the section's anchor.
"use strict";
(function () {
  var pending = null;

  function sectionOf(el) {
    var section = el && el.closest ? el.closest("section[id]") : null;
    return section ? section.id : null;
  }

  document.addEventListener("htmx:beforeRequest", function (ev) {
    pending = sectionOf(ev.detail.elt) || (ev.detail.target && ev.detail.target.id) || null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var section = document.getElementById(pending);
    pending = null;
    var heading = section && section.querySelector("h1, h2");
    if (!heading) { return; }
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  });
})();
