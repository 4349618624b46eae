// Copy a link shown in a read-only field: the new invitation link (sharing/manage.html),
// the calendar link (reminders/reminders.html): a button with data-copy="<the field's id>".
(function () {
  function copier(button, field) {
    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(field.value); } else { document.execCommand("copy"); }
      button.textContent = button.dataset.copied || gettext("Copied");
    });
  }
  var invitation = document.getElementById("copy-invitation-link");
  if (invitation) copier(invitation, document.getElementById("invitation-link"));
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    copier(button, document.getElementById(button.dataset.copy));
  });
})();
