// Copy the new invitation link (sharing/manage.html).
(function () {
  var button = document.getElementById("copy-invitation-link");
  if (!button) return;
  button.addEventListener("click", function () {
    var field = document.getElementById("invitation-link");
    field.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(field.value); } else { document.execCommand("copy"); }
    button.textContent = "Copied";
  });
})();
