/* logmonitor pages: a few small behaviours, no dependencies. Every page works without it. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* Auto-refresh: <div data-refresh-url="..." data-refresh-seconds="20"> is replaced by the
     fragment the server renders for that URL (header X-Requested-With: fetch). Skips a beat
     while the tab is hidden, so an idle tab costs nothing. */
  function startRefresh(region) {
    var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 30;
    var note = document.querySelector("[data-refresh-note]");
    function tick() {
      if (document.hidden) return;
      fetch(region.getAttribute("data-refresh-url"), {
        headers: { "X-Requested-With": "fetch" }, credentials: "same-origin", cache: "no-store"
      }).then(function (response) {
        if (response.redirected || !response.ok) throw new Error("refresh failed: " + response.status);
        return response.text();
      }).then(function (html) {
        region.innerHTML = html;
        region.setAttribute("data-refreshed", String(Date.now()));
        if (note) note.textContent = "Updated " + new Date().toLocaleTimeString() + " · refreshes every " + seconds + " s";
      }).catch(function () {
        if (note) note.textContent = "Could not refresh; retrying in " + seconds + " s";
      });
    }
    window.setInterval(tick, seconds * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) tick(); });
  }

  /* Formsets: "Add" clones the <template> with the next index; "Remove" ticks DELETE and hides. */
  function setupFormset(box) {
    var prefix = box.getAttribute("data-formset");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var list = box.querySelector("[data-formset-list]");
    box.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-formset-remove]");
      if (!remove) return;
      var row = remove.closest("[data-formset-row]");
      var del = row.querySelector("input[name$='-DELETE']");
      if (del) del.checked = true;
      row.hidden = true;
      var next = box.querySelector("[data-formset-row]:not([hidden]) input, [data-formset-add]");
      if (next) next.focus();
    });
    var add = box.querySelector("[data-formset-add]");
    if (add && template && total) {
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        list.appendChild(row);
        total.value = String(index + 1);
        setupModeSwitch(row);
        var first = row.querySelector("input[type=text]");
        if (first) first.focus();
      });
    }
  }

  /* An input row shows only the fields its mode uses (command, path or container). */
  function setupModeSwitch(row) {
    var select = row.querySelector("select[name$='-mode']");
    if (!select) return;
    function apply() { row.setAttribute("data-mode", select.value); }
    select.addEventListener("change", apply);
    apply();
  }

  /* "Test log source": POST to the source's test URL and show the sample it returns. */
  function setupSourceTest(button) {
    var select = document.getElementById(button.getAttribute("data-source-select"));
    var output = document.getElementById(button.getAttribute("data-output"));
    function sync() { button.disabled = !select.value; }
    select.addEventListener("change", sync);
    sync();
    button.addEventListener("click", function () {
      if (!select.value) return;
      var url = button.getAttribute("data-url-template").replace("/0/", "/" + select.value + "/");
      output.textContent = "Reading…";
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }
      }).then(function (response) { return response.text(); })
        .then(function (html) { output.innerHTML = html; })
        .catch(function (error) { output.textContent = "Test failed: " + error; });
    });
  }

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.querySelectorAll("[data-refresh-url]").forEach(startRefresh);
  document.querySelectorAll("[data-formset]").forEach(setupFormset);
  document.querySelectorAll("[data-formset-row]").forEach(setupModeSwitch);
  document.querySelectorAll("[data-source-select]").forEach(setupSourceTest);
})();
