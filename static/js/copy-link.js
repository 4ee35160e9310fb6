/* The Copy button of a read-only field: <button data-copy="FIELD-ID" data-copied="Copied" hidden>.
   Without JavaScript (or without the clipboard API) the button stays hidden and the field can
   still be selected and copied by hand; clicking the field selects all of it. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    field.addEventListener("focus", function () {
      field.select();
    });
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    var label = button.textContent;
    var status = document.getElementById(button.dataset.copy + "-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          button.textContent = button.dataset.copied;
          if (status) {
            status.textContent = button.dataset.copied;
          }
          window.setTimeout(function () {
            button.textContent = label;
          }, 2000);
        },
        function () {
          field.focus();
        }
      );
    });
  });
})();
