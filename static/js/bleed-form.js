// The head-bleed warning, and no side for a midline site (logbook/bleed_form.html).
(function () {
  var site = document.getElementById("id_site");
  var warning = document.getElementById("head-bleed-warning");
  var side = document.getElementById("div_id_side");
  var midline = JSON.parse(document.getElementById("midline-sites").textContent);
  if (!site) return;
  function update() {
    warning.classList.toggle("d-none", site.value !== "HEAD");
    if (side) side.classList.toggle("d-none", midline.indexOf(site.value) !== -1);
  }
  site.addEventListener("change", update);
  update();
})();
