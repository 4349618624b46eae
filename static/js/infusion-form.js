// The dose per kg of the latest weight, as the dose is typed (logbook/infusion_form.html).
(function () {
  var form = document.getElementById("infusion-form");
  var dose = document.getElementById("id_dose");
  var out = document.getElementById("dose-per-kg");
  var weight = parseFloat(form.dataset.weight);  // data: always with a point
  if (!dose || !out || !weight) return;
  // A number as the server shows it in the page's language ("62,5" in German and Arabic): the
  // decimal separator of Django's formats, from the JavaScript catalogue (a point without it, offline).
  var separator = typeof get_format === "function" ? get_format("DECIMAL_SEPARATOR") : ".";
  function shown(number, decimals) {
    var text = decimals === undefined ? String(number) : number.toFixed(decimals);
    return text.replace(".", separator);
  }
  function unit() {
    // The unit is in the chosen lot's or product's label ("… 1000 IU …", "… mg …").
    var lot = form.querySelector("input[name=lot]:checked");
    var product = document.getElementById("id_product");
    var chosen = (lot && lot.value ? lot.labels[0].textContent : "") + " " +
      (product && product.selectedIndex > 0 ? product.options[product.selectedIndex].text : "");
    return / mg\b/.test(chosen) || /Emicizumab/.test(chosen) ? "mg" : "IU";
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "lot" || event.target.name === "product") show();
  });
  function show() {
    var value = parseFloat(dose.value.replace(",", "."));  // as typed: "1,5" in some languages
    var values = { weight: shown(weight) };
    if (value > 0) {
      values.per_kg = shown(value / weight, 1);
      values.unit = unit();
      // Translators: "Latest weight 40 kg: 25.0 IU/kg." The unit is IU or mg.
      out.textContent = interpolate(gettext("Latest weight %(weight)s kg: %(per_kg)s %(unit)s/kg."), values, true);
    } else {
      out.textContent = interpolate(gettext("Latest weight %(weight)s kg."), values, true);
    }
  }
  dose.addEventListener("input", show);
  show();
})();
