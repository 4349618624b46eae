// The dose per kg of the latest weight, as the dose is typed (logbook/infusion_form.html).
(function () {
  var form = document.getElementById("infusion-form");
  var dose = document.getElementById("id_dose");
  var out = document.getElementById("dose-per-kg");
  var weight = parseFloat(form.dataset.weight);
  if (!dose || !out || !weight) return;
  function unit() {
    // The unit is in the chosen lot's or product's label ("… 1000 IU …", "… mg …").
    var chosen = [document.getElementById("id_lot"), document.getElementById("id_product")]
      .map(function (s) { return s && s.selectedIndex > 0 ? s.options[s.selectedIndex].text : ""; }).join(" ");
    return / mg\b/.test(chosen) || /Emicizumab/.test(chosen) ? "mg" : "IU";
  }
  ["id_lot", "id_product"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) el.addEventListener("change", show);
  });
  function show() {
    var value = parseFloat(dose.value);
    out.textContent = "Latest weight " + weight + " kg" +
      (value > 0 ? ": " + (value / weight).toFixed(1) + " " + unit() + "/kg." : ".");
  }
  dose.addEventListener("input", show);
  show();
})();
