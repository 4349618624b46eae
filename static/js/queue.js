// The queue of entries logged offline, in IndexedDB: shared by the pages (static/js/offline.js)
// and the service worker (/sw.js, for Background Sync), so it uses no DOM.
// An entry: {id: its client_id, url: the form's address, fields: [[name, value], ...],
// label, queuedAt, error: the server's message when it refused it ("" while waiting)}.
var HemologQueue = (function () {
  var DB = "hemolog-offline", STORE = "queue";
  // Django's JavaScript catalogue on a page (its globals); the service worker has none, and keeps the English.
  function gettext(text) { return typeof self.gettext === "function" ? self.gettext(text) : text; }
  function interpolate(text, values, named) {
    if (typeof self.interpolate === "function") return self.interpolate(text, values, named);
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); });
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function all() { return run("readonly", function (store) { return store.getAll(); }); }
  function put(entry) { return run("readwrite", function (store) { return store.put(entry); }); }
  function remove(id) { return run("readwrite", function (store) { return store.delete(id); }); }
  function clear() { return run("readwrite", function (store) { return store.clear(); }); }

  // The page's CSRF token, from the form page asked for again: the one kept with the entry
  // may have expired while the phone was offline (a new session, a rotated cookie).
  function freshToken(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.text();
    }).then(function (html) {
      var found = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
      if (!found) throw new Error("no token");
      return found[1];
    });
  }

  function errorsOf(html) {
    var summary = /<div class="alert alert-danger error-summary"[\s\S]*?<\/div>/.exec(html);
    var text = (summary ? summary[0] : "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
    return text || gettext("The entry was refused.");
  }

  // Send one entry: "sent" (saved, or saved before: the server finds its client_id), "refused"
  // (its message kept with the entry), or an error thrown (offline still: tried again later).
  function send(entry) {
    return freshToken(entry.url).then(function (token) {
      var body = new URLSearchParams();
      entry.fields.forEach(function (pair) { if (pair[0] !== "csrfmiddlewaretoken") body.append(pair[0], pair[1]); });
      body.set("client_id", entry.id);
      body.set("csrfmiddlewaretoken", token);
      return fetch(entry.url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" });
    }).then(function (response) {
      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
        return remove(entry.id).then(function () { return "sent"; });
      }
      return response.text().then(function (html) {
        entry.error = response.status === 200 ? errorsOf(html)
          : interpolate(gettext("The server answered %(status)s."), { status: response.status }, true);
        // Kept with its message, unless a twin sending (the page's and the service worker's) took it meanwhile.
        return all().then(function (entries) {
          var still = entries.some(function (e) { return e.id === entry.id; });
          return (still ? put(entry) : Promise.resolve()).then(function () { return "refused"; });
        });
      });
    });
  }

  // Send every waiting entry (not those refused: they wait for the person to fix them).
  function flush() {
    return all().then(function (entries) {
      var waiting = entries.filter(function (entry) { return !entry.error; });
      return waiting.reduce(function (done, entry) {
        return done.then(function (results) {
          return send(entry).then(function (result) { return results.concat([result]); });
        });
      }, Promise.resolve([]));
    });
  }

  return { all: all, put: put, remove: remove, clear: clear, send: send, flush: flush };
})();
