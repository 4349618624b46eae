// Logging offline (every page loads this; static/js/queue.js keeps the queue).
// * The bleed and infusion forms (data-offline-form) get a client_id for each entry, so a
//   resend is saved once; with no connection, saving queues the entry on the phone.
// * The queue is sent when the connection returns (the online event), on each page load,
//   and by Background Sync where the browser has it; an entry the server refuses stays,
//   shown with the server's message, to fix and send again.
// * Logging out clears the queue and the kept forms (the server also sends Clear-Site-Data).
(function () {
  if (!("indexedDB" in window) || typeof HemologQueue === "undefined") return;
  var panel = document.getElementById("offline-queue");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function text(name) { return panel ? panel.dataset[name] || "" : ""; }

  function render() {
    if (!panel) return Promise.resolve();
    return HemologQueue.all().then(function (entries) {
      panel.hidden = entries.length === 0;
      var list = panel.querySelector("ul");
      list.textContent = "";
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "mb-1";
        var what = document.createElement("span");
        what.textContent = entry.label + " · " + new Date(entry.queuedAt).toLocaleString((document.documentElement.lang || "en") + "-u-nu-latn");
        item.appendChild(what);
        if (entry.error) {
          var why = document.createElement("div");
          why.className = "text-danger-emphasis small";
          why.textContent = text("refused") + " " + entry.error;
          item.appendChild(why);
          var fix = document.createElement("a");
          fix.href = entry.url + "#queued=" + entry.id;
          fix.className = "alert-link me-3";
          fix.textContent = text("fix");
          item.appendChild(fix);
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "btn btn-sm btn-danger";  // white on red: 4.5:1; the outline red on yellow is 3.9:1
          drop.textContent = text("drop");
          drop.addEventListener("click", function () { HemologQueue.remove(entry.id).then(render); });
          item.appendChild(drop);
        } else {
          item.appendChild(document.createTextNode(" — " + text("waiting")));
        }
        list.appendChild(item);
      });
    });
  }

  var retry = null;
  function flush() {
    clearTimeout(retry);
    if (!navigator.onLine) return render();
    return HemologQueue.flush().catch(function () {
      retry = setTimeout(flush, 5000);  // the connection not quite back yet: again shortly
    }).then(render);
  }

  // The forms that work offline.
  document.querySelectorAll("form[data-offline-form]").forEach(function (form) {
    var field = form.querySelector("input[name=client_id]");
    var queued = /#queued=([0-9a-f-]{36})$/.exec(window.location.hash);
    if (queued) {
      // An entry the server refused, opened to fix: its fields as typed, its own id.
      HemologQueue.all().then(function (entries) {
        var entry = entries.filter(function (e) { return e.id === queued[1]; })[0];
        if (!entry) return;
        entry.fields.forEach(function (pair) {
          var inputs = form.querySelectorAll('[name="' + pair[0] + '"]');
          inputs.forEach(function (input) {
            if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === pair[1];
            else if (input.name !== "csrfmiddlewaretoken") input.value = pair[1];
          });
        });
        field.value = entry.id;
      });
    }
    if (field && !field.value) field.value = uuid();
    form.addEventListener("submit", function (event) {
      if (queued) HemologQueue.remove(queued[1]);  // sent now, online or queued again below
      if (navigator.onLine) return;
      event.preventDefault();
      var entry = {
        id: field.value, url: form.getAttribute("action") || window.location.pathname,
        fields: Array.from(new FormData(form).entries()), label: form.dataset.offlineLabel || document.title,
        queuedAt: Date.now(), error: "",
      };
      HemologQueue.put(entry).then(function () {
        if (navigator.serviceWorker && window.SyncManager) {
          navigator.serviceWorker.ready.then(function (registration) { return registration.sync.register("hemolog-queue"); })
            .catch(function () { /* no Background Sync: sent on the online event or the next page */ });
        }
        var note = document.getElementById("offline-saved");
        note.hidden = false;
        note.focus();
        field.value = uuid();  // the next entry is another one
        form.reset();
        field.value = field.value || uuid();
        return render();
      });
    });
  });

  // Logging out leaves nothing of the log on the phone: the server's answer says so
  // (Clear-Site-Data); this starts on it at once, without holding the log-out back.
  document.querySelectorAll("form[action$='/accounts/logout/']").forEach(function (form) {
    form.addEventListener("submit", function () {
      HemologQueue.clear().catch(function () {});
      if (window.caches) caches.delete("hemolog-forms").catch(function () {});
    });
  });

  window.addEventListener("online", flush);
  flush();
})();
