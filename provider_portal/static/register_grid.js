/* Progressive enhancement of the register (the server does the same without JavaScript):
   choosing a status fills the minutes (absent: always 0; present: the whole lesson unless the teacher
   typed them; late or left early: the whole lesson, selected so the teacher types what it was), and
   "Everyone present" marks only the learners without a status, saved or chosen, in the form; nothing
   is saved until the teacher presses save. */
(function () {
  var form = document.getElementById("register-form");
  if (!form) { return; }
  var full = form.dataset.lessonMinutes;
  var ASK = { late: true, left_early: true };
  var ZERO = { absent: true, absent_notice: true };
  function card(radio) { return radio.closest(".learner-card"); }
  function minutesOf(radio) { return card(radio).querySelector('input[name^="minutes-"]'); }
  function suggest(radio, ask) {
    var input = minutesOf(radio);
    if (!input || input.disabled) { return; }
    var typed = input.value !== "" && !input.dataset.auto;
    var value = ZERO[radio.value] ? "0" : full;
    if (!typed || ZERO[radio.value]) {
      input.value = value;
      input.dataset.auto = "1";
    }
    card(radio).classList.toggle("ask-minutes", !!ASK[radio.value]);
    if (ASK[radio.value] && ask) {
      input.focus();
      input.select();
    }
  }
  form.querySelectorAll('.segmented input[type="radio"]').forEach(function (radio) {
    radio.addEventListener("change", function () { suggest(radio, true); });
  });
  form.querySelectorAll('input[name^="minutes-"]').forEach(function (input) {
    input.addEventListener("input", function () { delete input.dataset.auto; });
  });
  // Unsaved choices are not lost by leaving the page unawares: the browser asks first.
  var dirty = false;
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  var button = form.querySelector('button[name="everyone_present"]');
  if (!button) { return; }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var filled = 0;
    form.querySelectorAll(".learner-card[data-learner]").forEach(function (item) {
      if (item.dataset.saved || item.querySelector('input[type="radio"]:checked')) { return; }
      var present = item.querySelector('input[type="radio"][value="present"]');
      if (!present || present.disabled) { return; }
      present.checked = true;
      suggest(present, false);
      filled += 1;
    });
    if (filled) { dirty = true; }
    var note = document.getElementById("everyone-present-note");
    note.hidden = false;
    note.focus();
  });
})();
