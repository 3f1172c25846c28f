/* Njia workspace: the slip's print button (inline script is forbidden by the CSP). Everything
   else works without this file. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) { event.preventDefault(); window.print(); }
  });
}());
