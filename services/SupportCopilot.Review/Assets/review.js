// The review UI's only script: keyboard shortcuts, live queue updates, claim renewal.
// Every page works without it; it only saves the agent time.
(function () {
  "use strict";

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  function toggleShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    if (dialog.open) dialog.close(); else dialog.showModal();
  }

  function openPanel(id, focusSelector) {
    var panel = document.getElementById(id);
    if (!panel) return;
    panel.open = true;
    var field = panel.querySelector(focusSelector);
    if (field) field.focus();
  }

  // Queue: j/k move a selection through the rows, Enter or o opens the selected one.
  function queueRows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue-table tbody tr[data-item-url]"));
  }

  var selected = -1;
  function select(index) {
    var rows = queueRows();
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("selected", i === selected); });
    rows[selected].scrollIntoView({ block: "nearest" });
    var link = rows[selected].querySelector("a");
    if (link) link.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter" && event.target && event.target.id === "edit-text") {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;

    var item = document.getElementById("item");
    switch (event.key) {
      case "?":
        toggleShortcuts();
        break;
      case "j":
        if (item) window.location.assign(item.dataset.nextUrl || "/review");
        else select(selected + 1);
        break;
      case "k":
        if (item) window.location.assign("/review");
        else select(selected - 1);
        break;
      case "o":
      case "Enter":
        if (!item && selected >= 0) window.location.assign(queueRows()[selected].dataset.itemUrl);
        else return;
        break;
      case "a":
        var approve = document.getElementById("approve-form");
        if (!approve) return;
        approve.requestSubmit();
        break;
      case "e":
        openPanel("edit-panel", "textarea");
        break;
      case "r":
        openPanel("reject-panel", "select");
        break;
      case "x":
        openPanel("escalate-panel", "textarea");
        break;
      case "c":
        openPanel("clarify-panel", "textarea");
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target instanceof Element && event.target.closest("[data-shortcuts-toggle]");
    if (toggle) toggleShortcuts();
  });

  // Live queue: ask for the queue's fingerprint every few seconds; when it changes, fetch this
  // page again and swap the queue in place (no reload, the selection and scroll position stay).
  function liveQueue() {
    var panel = document.getElementById("queue-panel");
    if (!panel || !window.fetch) return;
    var seconds = parseFloat(panel.dataset.liveSeconds) || 5;
    var last = null;
    function tick() {
      fetch(panel.dataset.liveUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (version) {
          if (version === null) return;
          if (last !== null && version !== last) return refresh();
          last = version;
        })
        .catch(function () { /* offline for a moment: try again on the next tick */ })
        .then(function () { window.setTimeout(tick, seconds * 1000); });
    }
    function refresh() {
      return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          ["queue-panel", "queue-filters"].forEach(function (id) {
            var now = document.getElementById(id);
            var next = fresh.getElementById(id);
            if (now && next) now.replaceWith(next);
          });
          last = null;
          if (selected >= 0) select(selected);
          document.dispatchEvent(new CustomEvent("queue:refreshed"));
        });
    }
    tick();
  }

  // Detail: keep the claim while the page is open.
  function renewClaim() {
    var item = document.getElementById("item");
    if (!item || !item.dataset.claimUrl || !window.fetch) return;
    var seconds = parseFloat(item.dataset.renewSeconds) || 180;
    window.setInterval(function () {
      fetch(item.dataset.claimUrl, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } });
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    liveQueue();
    renewClaim();
  });
})();
