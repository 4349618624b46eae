// The bleed form (logbook/bleed_form.html): the head-bleed warning, no side for a
// midline site, the body map (a joint and its side in one tap) and "same as last time".
(function () {
  var site = document.getElementById("id_site");
  var warning = document.getElementById("head-bleed-warning");
  var side = document.getElementById("div_id_side");
  var midline = JSON.parse(document.getElementById("midline-sites").textContent);
  var map = document.getElementById("body-map");
  var same = document.getElementById("same-as-last");
  if (!site) return;

  function chosenSide() {
    var radio = document.querySelector("input[name=side]:checked");
    return radio ? radio.value : "";
  }
  function check(name, value) {
    document.querySelectorAll("input[name=" + name + "]").forEach(function (radio) {
      radio.checked = radio.value === value;
    });
  }
  function update() {
    warning.classList.toggle("d-none", site.value !== "HEAD");
    if (side) side.classList.toggle("d-none", midline.indexOf(site.value) !== -1);
    if (map) map.querySelectorAll(".body-map-spot").forEach(function (spot) {
      var on = spot.dataset.site === site.value && (spot.dataset.side === "" || spot.dataset.side === chosenSide());
      spot.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  function choose(button) {
    site.value = button.dataset.site;
    check("side", button.dataset.side);
    if (button.dataset.cause) check("cause", button.dataset.cause);
    update();
  }

  site.addEventListener("change", update);
  document.querySelectorAll("input[name=side]").forEach(function (radio) { radio.addEventListener("change", update); });
  [map, same].forEach(function (shortcut) {
    if (!shortcut) return;
    shortcut.classList.remove("d-none");  // with a script only; the list works without one
    shortcut.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-site]");
      if (button) choose(button);
    });
  });
  update();
})();
