/* Where the keyboard focus goes, and what a screen reader is told, when part of a page changes.

   [data-error-summary]   the list of a failed submit's errors: it takes the focus when the page
                          opens (its autofocus attribute does this without JavaScript too) and when
                          htmx swaps it in; each of its links moves the focus to its field.
   form.part-form         a form opened in place by htmx: the focus moves to its first field.
   [data-focus-after]     what a saved in-place form sends out of band into the live region
                          #live-announcer (so its words are read out): the focus returns to the
                          heading of the part it names.
   [data-remove-form]     Cancel on a form opened in place: removes the form, gives the focus back to
                          the link that opened it and says that nothing was saved. */
(function () {
  "use strict";

  var announcer = document.getElementById("live-announcer");

  function announce(text) {
    if (!announcer) {
      return;
    }
    // A change of the region's text is what assistive technology reads out; clear it first so
    // the same words said twice are read twice.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 50);
  }

  // The intake page's script says what it removed through the same region.
  window.carecoordAnnounce = announce;

  function focusElement(element) {
    if (!element) {
      return;
    }
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function focusFirstField(container) {
    var field = container.querySelector(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
    focusElement(field || container);
  }

  function focusSummary(root) {
    var summary = root.matches && root.matches("[data-error-summary]")
      ? root
      : root.querySelector("[data-error-summary]");
    if (summary) {
      focusElement(summary);
      return true;
    }
    return false;
  }

  function headingOf(part) {
    return part.querySelector("h2, h3") || part;
  }

  // An error summary's link: focus the field and show its label above it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var folded = field.closest("details");
    if (folded) {
      folded.open = true;
    }
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });

  // Remember which link opened a form in place, to give the focus back to it on Cancel.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var opener = event.detail.elt;
    var target = event.detail.target;
    if (opener && target && opener.matches("a[hx-get]")) {
      target.carecoordOpener = opener;
    }
  });

  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (!(element instanceof Element)) {
      return;
    }
    if (element.matches("[data-focus-after]")) {
      // Appended to the live region, so its words are read out; the earlier ones go.
      var part = document.querySelector(element.getAttribute("data-focus-after"));
      if (part) {
        focusElement(headingOf(part));
      }
      element.removeAttribute("data-focus-after");
      while (element.previousSibling) {
        element.parentNode.removeChild(element.previousSibling);
      }
      return;
    }
    if (element.matches("form.part-form") && !focusSummary(element)) {
      focusFirstField(element);
    }
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-remove-form]");
    var form = cancel && cancel.closest("form");
    if (!form) {
      return;
    }
    var container = form.parentElement;
    var opener = container && container.carecoordOpener;
    var part = form.closest("section");
    form.remove();
    if (opener && opener.isConnected) {
      opener.focus();
    } else if (part) {
      focusElement(headingOf(part));
    }
    if (announcer) {
      announce(announcer.getAttribute("data-closed-message"));
    }
  });

  // A page answering a failed submit: the summary takes the focus (autofocus may have been
  // ignored when something else had it already).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      focusSummary(document);
    });
  } else {
    focusSummary(document);
  }
})();
