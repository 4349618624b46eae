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

// A form that came back: the focus goes to the summary of its errors (at the top), and a
// tap on one of its links moves the focus to that field and shows it (hemolog/core/fieldhtml.py).
var summary = document.querySelector(".error-summary");
if (summary) {
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus({ preventScroll: true });
    // The whole field (label, control, message) in the middle of the screen, clear of the Save bar.
    (field.closest("[id^='div_id_']") || field).scrollIntoView({ block: "center" });
  });
}
