// Notifications on this phone (reminders/reminders.html): subscribe with the Push API,
// through the service worker (/sw.js shows them), and send the subscription to Hemolog.
(function () {
  var box = document.getElementById("push");
  if (!box) return;
  var on = document.getElementById("push-on"), off = document.getElementById("push-off");
  var state = document.getElementById("push-state");
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    document.getElementById("push-unsupported").classList.remove("d-none");
    return;
  }
  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function key() {
    var text = box.dataset.key.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(text + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }
  function tell(subscription, extra) {
    var body = Object.assign(subscription.toJSON(), extra || {});
    return fetch(box.dataset.url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }
    });
  }
  function show(subscribed) {
    on.classList.toggle("d-none", subscribed);
    off.classList.toggle("d-none", !subscribed);
  }
  navigator.serviceWorker.register("/sw.js");
  navigator.serviceWorker.ready.then(function (registration) {
    registration.pushManager.getSubscription().then(function (subscription) { show(!!subscription); });
    on.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { state.textContent = on.dataset.denied || gettext("Notifications are blocked for this site in the browser’s settings."); return; }
        registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key() })
          .then(function (subscription) { return tell(subscription); })
          .then(function () { show(true); state.textContent = on.dataset.done || gettext("Notifications are on for this phone."); })
          .catch(function () { state.textContent = on.dataset.failed || gettext("The browser could not turn them on."); });
      });
    });
    off.addEventListener("click", function () {
      registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) { show(false); return; }
        tell(subscription, { unsubscribe: true }).then(function () { return subscription.unsubscribe(); })
          .then(function () { show(false); state.textContent = off.dataset.done || gettext("Notifications are off for this phone."); });
      });
    });
  });
})();
