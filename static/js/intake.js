/* The intake page: caregivers, children and needs added and removed one at a time, in the page.

   Without this script the Add and Remove buttons submit the page, and the server answers
   with the block added or removed (cases/intake.py). With it:
   [data-add-block]      copies the formset's empty block (<template data-empty-block>) under the
                         next form number, counts it in TOTAL_FORMS and puts the focus in it;
   [data-remove-block]   hides its block and marks it for deletion (its DELETE input), gives the
                         focus to the Add button and says what was removed (#live-announcer);
   select[data-child-choice]  a need's "For" menu: one choice per child block still on the page,
                         with the first name typed; a need whose child was removed asks again;
   [data-consent-fields] shown only while "The family gives its consent now" is ticked. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-intake]");
  if (!form) {
    return;
  }
  // static/js/focus.js reads it out in the page's live region.
  var say = window.carecoordAnnounce || function () {};

  function blocksOf(group) {
    return Array.prototype.filter.call(group.querySelector("[data-blocks]").children, function (block) {
      return block.matches("[data-block]");
    });
  }

  function keptBlocks(group) {
    return blocksOf(group).filter(function (block) {
      return !block.hidden;
    });
  }

  function indexOf(block) {
    var value = block.querySelector("[data-remove-block]").value;
    return Number(value.slice(value.lastIndexOf("-") + 1));
  }

  function refresh(group) {
    var pattern = group.getAttribute("data-label-pattern");
    var kept = keptBlocks(group);
    var removable = kept.length > Number(group.getAttribute("data-min"));
    kept.forEach(function (block, position) {
      block.querySelector("[data-block-label]").textContent = pattern.replace("%(n)s", position + 1);
      block.querySelector("[data-remove-block]").hidden = !removable;
    });
    group.querySelector("[data-add-block]").hidden = kept.length >= Number(group.getAttribute("data-max"));
  }

  // The "For" menus of the needs: returns how many lost the child they named.
  function syncChildChoices() {
    var children = form.querySelector("[data-formset=children]");
    var pattern = form.getAttribute("data-child-pattern");
    var choices = keptBlocks(children).map(function (block, position) {
      var name = block.querySelector("input[name$='-first_name']").value.trim();
      var label = pattern.replace("%(n)s", position + 1);
      return [String(indexOf(block) + 1), name ? label + " · " + name : label];
    });
    var reset = 0;
    form.querySelectorAll("select[data-child-choice]").forEach(function (select) {
      var chosen = select.value;
      // The first two choices stay: "Choose…" and "The household".
      while (select.options.length > 2) {
        select.remove(2);
      }
      choices.forEach(function (choice) {
        select.add(new Option(choice[1], choice[0]));
      });
      select.value = chosen;
      if (select.value !== chosen) {
        select.value = "";
        if (!select.closest("[data-block]").hidden) {
          reset += 1;
        }
      }
    });
    return reset;
  }

  function firstField(block) {
    return block.querySelector("input:not([type=hidden]), select, textarea");
  }

  function add(group) {
    var total = group.querySelector("input[name$='-TOTAL_FORMS']");
    var index = Number(total.value);
    var holder = document.createElement("div");
    holder.innerHTML = group.querySelector("template[data-empty-block]").innerHTML.replace(/__prefix__/g, index);
    var block = holder.querySelector("[data-block]");
    group.querySelector("[data-blocks]").appendChild(block);
    total.value = index + 1;
    refresh(group);
    syncChildChoices();
    var field = firstField(block);
    if (field) {
      field.focus();
    }
  }

  function remove(group, block) {
    var label = block.querySelector("[data-block-label]").textContent;
    block.querySelector("input[name$='-DELETE']").value = "on";
    block.hidden = true;
    refresh(group);
    var reset = syncChildChoices();
    group.querySelector("[data-add-block]").focus();
    var message = group.getAttribute("data-removed-message").replace("%(label)s", label);
    if (reset) {
      message += " " + form.getAttribute("data-needs-reset-message");
    }
    say(message);
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-block], [data-remove-block]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var group = button.closest("[data-formset]");
    if (button.matches("[data-add-block]")) {
      add(group);
    } else {
      remove(group, button.closest("[data-block]"));
    }
  });

  form.addEventListener("input", function (event) {
    if (event.target.matches("[data-formset=children] input[name$='-first_name']")) {
      syncChildChoices();
    }
  });

  var consent = form.querySelector("input[name='consent-record']");
  var consentFields = form.querySelector("[data-consent-fields]");
  function showConsent() {
    consentFields.hidden = !consent.checked;
  }
  if (consent && consentFields) {
    consent.setAttribute("aria-controls", consentFields.id);
    consent.addEventListener("change", showConsent);
    showConsent();
  }

  form.querySelectorAll("[data-formset]").forEach(refresh);
})();
