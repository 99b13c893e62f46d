// markhive: the little JavaScript the pages use. Everything works without it; this adds
// confirmations, "select all", and keyboard navigation (j/k, o, e, /, ?).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
    var apply = event.target.closest("[data-confirm-action]");
    if (apply) {
      var select = apply.form && apply.form.querySelector("select[name=action]");
      if (select && select.value === apply.getAttribute("data-confirm-action") &&
          !window.confirm("Delete the chosen bookmarks?")) {
        event.preventDefault();
      }
    }
  });

  // The folder tree: a toggle shows or hides a folder's subfolders, fetching them the
  // first time (without JavaScript the folder's own link opens them).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".tree button.toggle");
    if (!toggle) return;
    var list = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!list) return;
    if (toggle.getAttribute("aria-expanded") === "true") {
      list.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      return;
    }
    function show() {
      list.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
    }
    if (list.hasAttribute("data-loaded")) { show(); return; }
    toggle.disabled = true;
    fetch(toggle.getAttribute("data-src"), {credentials: "same-origin"})
      .then(function (response) {
        // signed out meanwhile (sent to the login page) or an error: open the folder's page
        if (!response.ok || response.redirected) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        list.innerHTML = html;
        list.setAttribute("data-loaded", "true");
        show();
      })
      .catch(function () { window.location.href = toggle.nextElementSibling.href; })
      .finally(function () { toggle.disabled = false; });
  });

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-picks]");
    if (!all) return;
    document.querySelectorAll(all.getAttribute("data-picks")).forEach(function (box) {
      box.checked = all.checked;
    });
  });

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-keynav] > li"));
  }

  function current(list) {
    var active = document.activeElement;
    return list.findIndex(function (li) { return li.contains(active); });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    var list = items();
    var index = current(list);
    var row = index >= 0 ? list[index] : null;
    switch (event.key) {
      case "/":
        var search = document.getElementById("q");
        if (search) { event.preventDefault(); search.focus(); search.select(); }
        break;
      case "j":
      case "k":
        if (!list.length) return;
        var next = event.key === "j" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
        var link = list[next].querySelector(".open");
        if (link) { event.preventDefault(); link.focus(); link.scrollIntoView({block: "nearest"}); }
        break;
      case "e":
        var edit = row && row.querySelector(".actions a");
        if (edit) { event.preventDefault(); window.location.href = edit.href; }
        break;
      case "x":
        var pick = row && row.querySelector(".pick");
        if (pick) { event.preventDefault(); pick.checked = !pick.checked; }
        break;
      case "a":
        if (document.querySelector("nav a[href='/bookmarks/new']")) {
          event.preventDefault(); window.location.href = "/bookmarks/new";
        }
        break;
    }
  });
})();

// The add form: copy the page's title and description (found by the URL check) into the
// fields the person left empty.
document.addEventListener("htmx:afterSwap", function (event) {
  var check = document.getElementById("check");
  if (!check || !event.detail.target || event.detail.target.id !== "check") return;
  [["title", "data-title"], ["description", "data-description"]].forEach(function (pair) {
    var field = document.getElementById(pair[0]);
    var value = check.getAttribute(pair[1]);
    if (field && value && !field.value.trim()) field.value = value;
  });
});
