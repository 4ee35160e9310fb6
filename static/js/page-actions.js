/* Small page behaviours, named by data attributes instead of inline onclick/onchange handlers:
   the Content-Security-Policy runs no inline script. Listeners sit on the document, so parts
   that htmx swaps in later behave the same.

   <select data-submit-on-change>   sends its form as soon as a choice is made (the language menu;
                                    a <noscript> button does it without JavaScript)
   <button data-print hidden>       prints the page; shown only when this script runs */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-submit-on-change]");
    if (!select || !select.form) {
      return;
    }
    if (select.form.requestSubmit) {
      select.form.requestSubmit();
    } else {
      select.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
  });
})();
