/* Small conveniences on top of pages that work fully without this script. */
(function () {
  "use strict";

  /* Bring the reader to the summary of what to correct (or the "form expired" notice). */
  function focusNotice() {
    var notice = document.querySelector("[data-focus-on-load]");
    if (notice) {
      notice.focus();
    }
  }

  /* Replace the cadre picker's options with those of the chosen unit, without leaving the
     page: the server renders the form again (the "show the cadres" button's request) and
     only its cadre picker and hint are taken. */
  function refreshCadres(form, button) {
    var data = new FormData(form);
    /* The refresh needs the unit only: files chosen already would be uploaded for nothing
       (and could make the request too large). They stay chosen in the page. */
    Array.prototype.forEach.call(form.querySelectorAll("input[type='file']"), function (input) {
      data.delete(input.name);
    });
    data.set(button.name, button.value);
    fetch(button.formAction || form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin"
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("refresh failed");
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["cadre_id", "cadre_id-hint"].forEach(function (id) {
          var current = document.getElementById(id);
          var replacement = fresh.getElementById(id);
          if (current && replacement) {
            current.replaceChildren.apply(
              current,
              Array.prototype.map.call(replacement.childNodes, function (node) {
                return document.importNode(node, true);
              })
            );
          }
        });
      })
      .catch(function () {
        button.hidden = false;
      });
  }

  function enhanceCadrePicker(form) {
    var unit = form.querySelector("#unit_id");
    var button = form.querySelector("[data-refresh-cadres]");
    if (!unit || !button || !window.fetch || !window.DOMParser) {
      return;
    }
    button.hidden = true;
    unit.addEventListener("change", function () {
      refreshCadres(form, button);
    });
  }

  /* Hide the contact details while "anonymous" is chosen, unless something was typed in them. */
  function enhanceContactFields(form) {
    var box = form.querySelector("[data-contact-fields]");
    var modes = form.querySelectorAll("input[name='reporter_mode']");
    if (!box || !modes.length) {
      return;
    }
    function update() {
      var chosen = form.querySelector("input[name='reporter_mode']:checked");
      var typed = Array.prototype.some.call(box.querySelectorAll("input"), function (input) {
        return input.value.trim() !== "";
      });
      box.hidden = Boolean(chosen && chosen.value === "anonymous" && !typed);
    }
    Array.prototype.forEach.call(modes, function (mode) {
      mode.addEventListener("change", update);
    });
    update();
  }

  function enhancePrintButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusNotice();
    Array.prototype.forEach.call(document.querySelectorAll("[data-case-form]"), function (form) {
      enhanceCadrePicker(form);
      enhanceContactFields(form);
    });
    enhancePrintButtons();
  });
})();
