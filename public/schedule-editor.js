/*
 * Schedule window form: progressive enhancement only (the form works without this file: the
 * server reads the ticked days plus the quick choice, and keeps the chosen mode's fields).
 *   - a quick choice (school nights, weekdays…) ticks exactly its days, then resets itself, so
 *     what is ticked is what is saved;
 *   - only the fields of the chosen mode are shown (categories for "block", names for "bedtime");
 *   - "overnight" is shown when the end time is earlier than the start time.
 * Loaded with `defer` from /assets/schedule-editor.js (the Content-Security-Policy forbids inline script).
 */
'use strict';

(function () {
  document.querySelectorAll('form[data-schedule-editor]').forEach(function (form) {
    var quick = form.querySelector('select[data-quick-days]');
    var dayBoxes = form.querySelectorAll('input[type="checkbox"][name="days"]');
    if (quick) {
      quick.addEventListener('change', function () {
        var option = quick.options[quick.selectedIndex];
        var days = option ? (option.getAttribute('data-days') || '') : '';
        if (days === '') return;
        var wanted = days.split(',');
        dayBoxes.forEach(function (box) { box.checked = wanted.indexOf(box.value) !== -1; });
        quick.value = '';
      });
    }

    var modeFields = form.querySelectorAll('[data-mode]');
    function showMode() {
      var checked = form.querySelector('input[name="mode"]:checked');
      if (!checked) return;
      modeFields.forEach(function (field) { field.hidden = field.getAttribute('data-mode') !== checked.value; });
    }
    form.querySelectorAll('input[name="mode"]').forEach(function (radio) { radio.addEventListener('change', showMode); });
    showMode();

    var start = form.querySelector('input[name="start"]');
    var end = form.querySelector('input[name="end"]');
    var overnight = form.querySelector('[data-overnight]');
    function showOvernight() {
      if (!start || !end || !overnight) return;
      overnight.hidden = !(start.value !== '' && end.value !== '' && end.value < start.value && end.value !== '00:00');
    }
    if (start && end) {
      start.addEventListener('input', showOvernight);
      end.addEventListener('input', showOvernight);
      showOvernight();
    }
  });
})();
