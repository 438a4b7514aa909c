/* Progressive enhancement of the register grid (the server does the same without JavaScript):
   choosing a status suggests the minutes when they are empty (present: the whole lesson, absent: 0),
   and "Everyone present" fills only the rows without a status, in the form; the teacher then saves. */
(function () {
  var form = document.getElementById("register-form");
  if (!form) { return; }
  var full = form.dataset.lessonMinutes;
  var statuses = form.querySelectorAll('select[name^="status-"]');
  function minutesOf(select) {
    return form.querySelector('input[name="minutes-' + select.name.slice(7) + '"]');
  }
  function suggest(select) {
    var input = minutesOf(select);
    var value = select.value === "present" ? full
      : (select.value === "absent" || select.value === "absent_notice") ? "0" : null;
    if (!input || value === null || (input.value !== "" && !input.dataset.auto)) { return; }
    input.value = value;
    input.dataset.auto = "1";
  }
  statuses.forEach(function (select) {
    select.addEventListener("change", function () { suggest(select); });
    var input = minutesOf(select);
    if (input) { input.addEventListener("input", function () { delete input.dataset.auto; }); }
  });
  var button = form.querySelector('button[name="everyone_present"]');
  if (!button) { return; }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    statuses.forEach(function (select) {
      if (select.value === "" && !select.disabled && !select.dataset.saved) {
        select.value = "present";
        suggest(select);
      }
    });
    document.getElementById("everyone-present-note").hidden = false;
  });
})();
