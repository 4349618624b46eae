// Pre-select the phone's own time zone on a fresh sign-up form.
(function () {
  var select = document.getElementById("id_time_zone");
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (select && zone && select.value === "UTC" && !document.querySelector(".is-invalid")) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) { select.value = zone; break; }
    }
  }
})();
