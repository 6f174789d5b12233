// The queue page's keyboard: j/k move the current story, x selects it, Enter/o opens it, a assigns it to
// me (reviewers: the row's button), ? shows the list of shortcuts. Keys are ignored while typing.
// A file, not an inline script (the Content-Security-Policy allows none); the page works without it.
"use strict";
(function () {
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-story]")); }

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toLowerCase();
    if (tag === "input") { return !/^(checkbox|radio|button|submit|reset)$/.test(el.type); }
    return tag === "select" || tag === "textarea" || el.isContentEditable;
  }

  function select(i) {
    var all = rows();
    if (!all.length) { current = -1; return; }
    i = Math.max(0, Math.min(i, all.length - 1));
    all.forEach(function (r) { r.classList.remove("is-current"); r.removeAttribute("aria-current"); });
    var row = all[i];
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    current = i;
  }

  function currentRow() {
    var all = rows();
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function togglePanel() {
    var panel = document.getElementById("shortcuts");
    if (panel) { panel.hidden = !panel.hidden; }
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) { return; }
    var row = currentRow();
    switch (ev.key) {
      case "j": select(current + 1); break;
      case "k": select(current < 0 ? 0 : current - 1); break;
      case "x":
        if (row) { var box = row.querySelector("input[type=checkbox]"); if (box) { box.click(); } }
        break;
      case "Enter": case "o":
        if (!row || (ev.key === "Enter" && ev.target !== row)) { return; }
        var link = row.querySelector("a.open");
        if (link) { window.location.href = link.href; }
        break;
      case "a":
        if (row) { var btn = row.querySelector("button.assign-me"); if (btn) { btn.click(); } }
        break;
      case "?": togglePanel(); break;
      case "Escape":
        var panel = document.getElementById("shortcuts");
        if (panel && !panel.hidden) { panel.hidden = true; } else { return; }
        break;
      default: return;
    }
    ev.preventDefault();
  });

  // A row clicked becomes the current one (so that x / a apply to it next).
  document.addEventListener("click", function (ev) {
    var row = ev.target.closest ? ev.target.closest("tr[data-story]") : null;
    if (row) {
      var i = rows().indexOf(row);
      if (i >= 0 && i !== current) { current = i; rows().forEach(function (r) { r.classList.toggle("is-current", r === row); }); }
    }
  });

  // After htmx replaced the list, keep the same position (or the last row) as the current one.
  document.addEventListener("htmx:afterSwap", function () {
    if (current >= 0) { select(current); }
  });
})();
