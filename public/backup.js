/*
 * Vigie admin page, /settings/backup: progressive enhancement of the restore form. Without this
 * file the form posts the pasted text; with it, a file can be chosen: it is read here
 * (FileReader), checked to be JSON, and sent to /api/restore as JSON with the session's CSRF
 * token (the form's hidden _csrf field) in the x-csrf-token header. Messages come from the
 * form's data-* attributes (already in the page's language). Loaded with `defer` (the
 * Content-Security-Policy forbids inline script).
 */
'use strict';

(function () {
  var form = document.getElementById('restore-form');
  var field = document.getElementById('backup-file-field');
  var input = document.getElementById('backup-file');
  var status = document.getElementById('restore-status');
  if (!form || !field || !input || !status || !window.FileReader || !window.fetch) return;
  field.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  function send(text) {
    var csrf = form.querySelector('input[name="_csrf"]');
    say(form.getAttribute('data-working') || '');
    return fetch('/api/restore', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf ? csrf.value : '' },
      body: text,
    }).then(function (response) {
      if (response.ok) {
        window.location.assign('/settings/backup?restored=1');
        return;
      }
      return response.json().then(function (body) {
        say((form.getAttribute('data-refused') || '') + (body && body.message ? body.message : String(response.status)));
      }, function () {
        say((form.getAttribute('data-refused') || '') + String(response.status));
      });
    }, function (error) {
      say((form.getAttribute('data-refused') || '') + String(error && error.message ? error.message : error));
    });
  }

  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    var max = Number(form.getAttribute('data-max-bytes')) || 4194304;
    if (file.size > max) {
      say(form.getAttribute('data-too-large') || '');
      input.value = '';
      return;
    }
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      input.value = '';
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var text = String(reader.result || '');
      try {
        JSON.parse(text);
      } catch (e) {
        say((form.getAttribute('data-refused') || '') + 'JSON: ' + e.message);
        input.value = '';
        return;
      }
      send(text);
    };
    reader.onerror = function () {
      say((form.getAttribute('data-refused') || '') + String(reader.error));
    };
    reader.readAsText(file);
  });
})();
