// The dose per kg of the latest weight, as the dose is typed (logbook/infusion_form.html).
(function () {
  var form = document.getElementById("infusion-form");
  var dose = document.getElementById("id_dose");
  var out = document.getElementById("dose-per-kg");
  var weight = parseFloat(form.dataset.weight);
  if (!dose || !out || !weight) return;
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
    var value = parseFloat(dose.value);
    out.textContent = "Latest weight " + weight + " kg" +
      (value > 0 ? ": " + (value / weight).toFixed(1) + " " + unit() + "/kg." : ".");
  }
  dose.addEventListener("input", show);
  show();
})();
