/*
 * Vigie admin page: progressive enhancement only. Every page works without this file (forms
 * post, links navigate); it adds comfort:
 *   data-confirm="Question?"  on a <form> or a submit button: ask before submitting
 *   data-autosubmit           on a <select> or checkbox: submit its form when it changes
 *   data-copy="#id"           on a <button hidden>: shown here, copies the target's value or text
 *                             (optional data-copied="Copied" becomes the button's text afterwards)
 *   data-filter=".item"       on an <input> inside [data-filter-box hidden]: shown here, hides the
 *                             items whose data-search lacks the typed text (see the end of the file)
 * Loaded with `defer` from /assets/app.js (the Content-Security-Policy forbids inline script).
 */
'use strict';

(function () {
  // Confirm destructive actions. The question may sit on the submit button or on the form.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Submit on change (the form keeps its own submit button for keyboard and no-script use).
  document.addEventListener('change', function (event) {
    var field = event.target;
    if (!(field instanceof HTMLElement) || !field.hasAttribute('data-autosubmit')) return;
    var form = field.closest('form');
    if (!form) return;
    if (typeof form.requestSubmit === 'function') form.requestSubmit();
    else form.submit();
  });

  // Copy buttons: hidden in the markup (useless without script), revealed here.
  function copyText(target) {
    var text = 'value' in target ? target.value : target.textContent || '';
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain HTTP on the home network is not a secure context: select the text for Ctrl+C / long press.
    if (typeof target.select === 'function') target.select();
    else {
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      if (selection) { selection.removeAllRanges(); selection.addRange(range); }
    }
    try { document.execCommand('copy'); } catch (e) { /* the selection is there for the person */ }
    return Promise.resolve();
  }

  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var target = document.querySelector(button.getAttribute('data-copy'));
    if (!target) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      copyText(target).then(function () {
        button.setAttribute('aria-live', 'polite');
        var label = button.getAttribute('data-copied');
        if (label) button.textContent = label;
      });
    });
  });
})();

/*
 * Filter boxes: <input data-filter=".item"> inside a [data-filter-box hidden] wrapper, shown here
 * (useless without script). Items whose data-search does not contain the typed text are hidden,
 * and a group ([role=group]) left empty is hidden too. Without script every item stays listed.
 */
(function () {
  document.querySelectorAll('input[data-filter]').forEach(function (input) {
    var box = input.closest('[data-filter-box]');
    if (box) box.hidden = false;
    var scope = input.closest('fieldset') || document;
    var items = scope.querySelectorAll(input.getAttribute('data-filter'));
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      items.forEach(function (item) {
        item.hidden = q !== '' && (item.getAttribute('data-search') || '').indexOf(q) < 0;
      });
      scope.querySelectorAll('[role=group]').forEach(function (group) {
        group.hidden = group.querySelector('[data-search]:not([hidden])') === null;
      });
    });
  });
})();
