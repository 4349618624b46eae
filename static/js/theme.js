// Light or dark as the phone is set (Bootstrap's colour modes), before the page is drawn:
// loaded in <head>, not deferred, so a dark phone never flashes a white page.
(function () {
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() { document.documentElement.setAttribute("data-bs-theme", dark.matches ? "dark" : "light"); }
  apply();
  dark.addEventListener("change", apply);
})();
