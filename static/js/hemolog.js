// Behaviour every page may use, without inline scripts (the Content-Security-Policy allows none).
// A button with data-go-back returns to the previous page (e.g. the expired-form page).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-go-back]");
  if (button) { event.preventDefault(); history.back(); }
});

// Installable on the home screen: the service worker keeps the static files only (hemolog/home/pwa.py).
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js"); });
}
