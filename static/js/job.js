// A background job's page (templates/background/job.html) follows the work: every few seconds
// it asks for the status part alone (?poll=1) and puts it in place, in the same live region, so
// a screen reader hears the progress; no timed refresh of the whole page (WCAG 2.2.1). When the
// work goes on to another page, the page reloads and the server sends it there with its message.
(function () {
  var region = document.getElementById("job-status");
  if (!region) return;
  function seconds() {
    var running = region.querySelector("[data-refresh]");
    return running ? parseFloat(running.dataset.refresh) || 2 : 0;
  }
  function poll() {
    var url = new URL(window.location.href);
    url.searchParams.set("poll", "1");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return json ? response.json().then(function () { window.location.reload(); }) : response.text().then(show);
      })
      .catch(function () { setTimeout(poll, 10000); });  // offline, or the server busy: try later
  }
  function show(html) {
    region.innerHTML = html;
    if (seconds()) setTimeout(poll, seconds() * 1000);
  }
  if (seconds()) setTimeout(poll, seconds() * 1000);
})();
