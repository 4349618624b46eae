// Show "every N days" or the weekday boxes only for the schedule that uses them.
(function () {
  var schedule = document.getElementById("id_schedule");
  var interval = document.getElementById("div_id_interval_days");
  var weekdays = document.getElementById("div_id_weekdays");
  if (!schedule) return;
  function update() {
    if (interval) interval.classList.toggle("d-none", schedule.value !== "EVERY_N_DAYS");
    if (weekdays) weekdays.classList.toggle("d-none", schedule.value !== "WEEKDAYS");
  }
  schedule.addEventListener("change", update);
  update();
})();
